/** Where an element stands in the seclabel model. */
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { XmlElement } from '../parser/xmlParser';

export function isDomainSeclabel(doc: SeclabelDocument, element: XmlElement): boolean {
	return element.name === 'seclabel' && element.parent === doc.domain;
}

export function isDeviceSeclabel(doc: SeclabelDocument, element: XmlElement): boolean {
	return element.name === 'seclabel' && doc.deviceSeclabels.some((seclabel) => seclabel.element === element);
}
