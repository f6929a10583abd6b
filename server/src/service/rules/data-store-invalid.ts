import { firstChild } from '../parser/seclabelModel';
import { getAttribute } from '../parser/xmlParser';
import { DATA_STORE, since } from '../version';
import { nameSpan, valueSpan, type Rule } from './rule';

/**
 * A `<dataStore>` (a qcow2 external data file) on an image that is not qcow2, or whose own format
 * is not raw: libvirt refuses it when it validates the disk (after every device is parsed, before
 * that disk's seclabel cross-check), so a label in it or beside it never gets checked. Only the
 * releases that read `<dataStore>` (DATA_STORE) refuse it; older ones ignore the element. The
 * disk's format is its `<driver type>`; none given counts as not qcow2. Probed with all four
 * oracles (test/differential/sites.test.ts).
 */
export const rule: Rule = {
	id: 'data-store-invalid',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A `<dataStore>` on an image that is not qcow2, or that is not raw itself.',
	libvirtMessage: 'unsupported configuration: <dataStore> feature available only with qcow2 images',
	reference: 'E (storage sources)',
	description: "A data store is qcow2's external data file: the disk's `<driver type='qcow2'/>` is required, and the data file itself must be `<format type='raw'/>`. libvirt refuses anything else when it validates the disk, with `unsupported configuration: <dataStore> feature available only with qcow2 images` or `unsupported configuration: only 'raw' images supported as <dataStore>`.",
	versions: 'Releases before 10.10.0 ignore `<dataStore>` and accept the disk.',
	example: "<driver name='qemu' type='raw'/>\n<source file='/var/lib/libvirt/images/a.img'>\n  <dataStore type='file'>\n    <format type='raw'/>\n    <source file='/var/lib/libvirt/images/a.data'/>\n  </dataStore>\n</source>",
	check(context) {
		if (!since(context.version, DATA_STORE)) {
			return;
		}
		for (const disk of context.doc.disks) {
			const dataStore = disk.dataStore;
			if (!dataStore) {
				continue;
			}
			const format = firstChild(dataStore.container, 'format');
			const formatType = format ? getAttribute(format, 'type') : undefined;
			if (!formatType?.value) {
				continue; // storage-source-invalid: libvirt's parser refuses it first
			}
			if (disk.layers[0].format !== 'qcow2') {
				const driver = firstChild(disk.element, 'driver');
				context.report({ span: nameSpan(driver ?? dataStore.container), message: "A <dataStore> is a qcow2 feature: the disk needs <driver type='qcow2'/>.", libvirtMessage: 'unsupported configuration: <dataStore> feature available only with qcow2 images' });
			} else if (formatType.value !== 'raw') {
				context.report({ span: valueSpan(formatType), message: "A <dataStore> holds the raw data of a qcow2 image: its format must be raw.", libvirtMessage: "unsupported configuration: only 'raw' images supported as <dataStore>" });
			}
		}
	},
};
