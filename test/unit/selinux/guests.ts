/**
 * Domain skeletons for the SELinux rule tests: a static, dynamic or live guest around given labels.
 */
import { domain, liveDomain } from '../../support/fixture';

/** A static SELinux guest (relabel as given; libvirt's default for static is no). */
export function staticGuest(label: string, devices = '', relabel?: 'yes' | 'no'): string {
	const attribute = relabel ? ` relabel='${relabel}'` : '';
	return domain(`  <seclabel type='static' model='selinux'${attribute}>\n    <label>${label}</label>\n  </seclabel>`, devices);
}

/** A dynamic SELinux guest in define-time XML, optionally with a base label. */
export function dynamicGuest(devices = '', baselabel?: string): string {
	const body = baselabel === undefined ? '' : `\n    <baselabel>${baselabel}</baselabel>\n  `;
	return domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>${body}</seclabel>`, devices);
}

/** A running guest as virsh dumpxml prints it: label and imagelabel. */
export function liveGuest(label: string, imagelabel: string, devices = ''): string {
	return liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${label}</label>\n    <imagelabel>${imagelabel}</imagelabel>\n  </seclabel>`, devices);
}

/** A device seclabel with an SELinux label, for disk(). */
export function deviceLabel(label: string): string {
	return `<seclabel model='selinux'><label>${label}</label></seclabel>`;
}
