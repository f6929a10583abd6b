/** Where an element stands in the seclabel model: at domain level, or as a device override. */
import type { DeviceSeclabel, DomainSeclabel, SeclabelDocument } from '../parser/seclabelModel';
import type { XmlElement } from '../parser/xmlParser';

/** A seclabel and the level it stands at. */
export type SeclabelSite =
	| { readonly level: 'domain'; readonly seclabel: DomainSeclabel }
	| { readonly level: 'device'; readonly seclabel: DeviceSeclabel };

/** The seclabel libvirt reads at that element, or undefined for any other element (stray seclabels included). */
export function seclabelSite(doc: SeclabelDocument, element: XmlElement): SeclabelSite | undefined {
	if (element.name !== 'seclabel') {
		return undefined;
	}
	const domainSeclabel = doc.seclabels.find((seclabel) => seclabel.element === element);
	if (domainSeclabel) {
		return { level: 'domain', seclabel: domainSeclabel };
	}
	const deviceSeclabel = deviceSeclabelOf(doc.deviceSeclabels, element);
	return deviceSeclabel ? { level: 'device', seclabel: deviceSeclabel } : undefined;
}

/**
 * The device seclabel of that element: a binary search by offset, since the model keeps them in
 * document order (a hover or completion right behind a keystroke of a 35 MB domain looked through
 * 200,000 of them), then a scan in case the order is not kept (a stray seclabel is in no list).
 */
function deviceSeclabelOf(list: readonly DeviceSeclabel[], element: XmlElement): DeviceSeclabel | undefined {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (list[middle].element.start < element.start) low = middle + 1; else high = middle;
	}
	for (let i = low; i < list.length && list[i].element.start === element.start; i++) {
		if (list[i].element === element) return list[i];
	}
	return list.find((seclabel) => seclabel.element === element);
}
