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
	const deviceSeclabel = doc.deviceSeclabels.find((seclabel) => seclabel.element === element);
	return deviceSeclabel ? { level: 'device', seclabel: deviceSeclabel } : undefined;
}
