import { firstChild, type StorageSource } from '../parser/seclabelModel';
import { getAttribute, type XmlAttribute } from '../parser/xmlParser';
import { atLeast, DATA_STORE, since, STORAGE_PROP_PARSING } from '../version';
import { nameSpan, valueSpan, type Finding, type Rule, type RuleContext } from './rule';

/**
 * A disk layer libvirt refuses before it reads that layer's seclabels (or those of any layer below
 * it): an unknown disk type, a network source without a protocol, an NVMe or vhost-user source
 * without its `type`, a network protocol libvirt does not know, and in a `<backingStore>` a missing
 * (or empty) `<format>`, a missing `<source>`, an unknown type or format (virDomainDiskBackingStoreParse
 * checks them in that order before virDomainStorageSourceParse reads the seclabels), and a `<dataStore>` without a format (10.10.0
 * and later, which read it; after the seclabels of the `<source>` it sits in, before its own). An error in the disk's own source still comes before its backing
 * store's. Messages and order checked with `virsh -c test:///default define` on libvirt 7.0.0,
 * 9.0.0, 11.3.0 and 12.9.0; 7.0.0 words two of them differently, which releases before 9.0.0 are
 * taken to share.
 */

/** virStorageType names for a layer ('none' is refused; no release up to 12.9.0 takes 'vdpa'). */
const STORAGE_TYPES = ['file', 'block', 'dir', 'network', 'volume', 'nvme', 'vhostuser'];

/** virStorageNetProtocol names a network `<source protocol>` may take ('none' is refused). */
const PROTOCOLS = ['nbd', 'rbd', 'sheepdog', 'gluster', 'iscsi', 'http', 'https', 'ftp', 'ftps', 'tftp', 'ssh', 'vxhs', 'nfs'];

/** virStorageFileFormat names a `<format type>` may take ('none' and 'luks' are refused). */
const FORMATS = ['raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk'];

function unknownType(context: RuleContext, layer: StorageSource, type: XmlAttribute & { value: string }): Finding {
	const old = !since(context.version, STORAGE_PROP_PARSING);
	const libvirtMessage = layer.depth === 0
		? old ? `unsupported configuration: unknown disk type '${type.value}'` : `XML error: Invalid value for attribute 'type' in element 'disk': '${type.value}'.`
		: `XML error: unknown storage source type '${type.value}'`;
	return { span: valueSpan(type), message: `'${type.value}' is not a storage type libvirt knows (file, block, network, volume, …); it refuses the disk before reading its seclabels.`, libvirtMessage };
}

/** The source-level error of a layer of a known type, if any. */
function sourceProblem(context: RuleContext, layer: StorageSource): Finding | undefined {
	const source = layer.source;
	if (!source) {
		return undefined;
	}
	if (layer.type === 'network' && !getAttribute(source, 'protocol')) {
		return {
			span: nameSpan(source),
			message: "A network disk's <source> needs protocol='…' (nbd, iscsi, rbd, …); libvirt refuses it before reading its seclabels.",
			libvirtMessage: since(context.version, STORAGE_PROP_PARSING) ? "XML error: Missing required attribute 'protocol' in element 'source'" : 'XML error: missing network source protocol type',
		};
	}
	const protocol = layer.type === 'network' ? getAttribute(source, 'protocol') : undefined;
	// 'none' parses from 9.0.0 (as no protocol: disk-source-missing then refuses the disk); 7.0.0 refuses the name.
	if (protocol && protocol.value !== null && !PROTOCOLS.includes(protocol.value) && !(protocol.value === 'none' && since(context.version, STORAGE_PROP_PARSING))) {
		return {
			span: valueSpan(protocol),
			message: `'${protocol.value}' is not a network protocol libvirt knows (nbd, iscsi, rbd, gluster, http, …); it refuses the disk before reading its seclabels.`,
			libvirtMessage: since(context.version, STORAGE_PROP_PARSING) ? `XML error: Invalid value for attribute 'protocol' in element 'source': '${protocol.value}'.` : `unsupported configuration: unknown protocol type '${protocol.value}'`,
		};
	}
	if ((layer.type === 'nvme' || (layer.type === 'vhostuser' && atLeast(context.version, '9.0.0'))) && !getAttribute(source, 'type')) {
		return {
			span: nameSpan(source),
			message: `A ${layer.type} disk's <source> needs type='${layer.type === 'nvme' ? 'pci' : 'unix'}'.`,
			libvirtMessage: layer.type === 'nvme' ? "XML error: missing 'type' attribute to disk source" : "XML error: missing 'type' attribute for vhostuser disk source",
		};
	}
	return undefined;
}

/**
 * A backing layer's problem, in virDomainDiskBackingStoreParse's order: the format's presence (an
 * empty one is missing: virXPathString), the source's presence, then the type and the format's
 * value (virDomainStorageSourceParseBase). Probed with all four oracles (sites.test.ts).
 */
function backingProblem(context: RuleContext, layer: StorageSource): Finding | undefined {
	const container = layer.container;
	const format = firstChild(container, 'format');
	const formatType = format ? getAttribute(format, 'type') : undefined;
	if (!formatType || !formatType.value) {
		return { span: nameSpan(format ?? container), message: 'A backing store needs <format type=…/>: libvirt does not probe image formats, and refuses the layer before reading its seclabels.', libvirtMessage: 'XML error: missing disk backing store format' };
	}
	if (!layer.source) {
		return { span: nameSpan(container), message: 'A backing store needs a <source>: libvirt refuses the layer before reading any seclabel below it.', libvirtMessage: 'XML error: missing disk backing store source' };
	}
	const type = getAttribute(container, 'type');
	if (type && type.value !== null && !STORAGE_TYPES.includes(type.value)) {
		return unknownType(context, layer, type as XmlAttribute & { value: string });
	}
	if (!FORMATS.includes(formatType.value)) {
		return { span: valueSpan(formatType), message: `'${formatType.value}' is not an image format libvirt knows (raw, qcow2, …).`, libvirtMessage: `XML error: unknown storage source format '${formatType.value}'` };
	}
	return undefined;
}

export const rule: Rule = {
	id: 'storage-source-invalid',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A disk, backing store or data store that libvirt refuses before it reads the seclabels in it.',
	libvirtMessage: 'XML error: missing disk backing store format',
	reference: 'E (storage sources)',
	description: [
		"libvirt reads a disk layer's seclabels only after the layer itself: the disk's `type`, the source's required attributes (`protocol` for a network disk, `type` for NVMe and vhost-user), and for each `<backingStore type='…'>` a known type, a `<format type='…'/>` it knows and a `<source>`. A layer that fails is libvirt's first error, ahead of any malformed seclabel in it or below it (an error in the disk's own source still comes before its backing store's).",
		"A `<backingStore/>` without a type is different: it ends the chain, and libvirt reads nothing inside it. A `<dataStore>` (read from 10.10.0) needs a `<format>` too.",
		"libvirt's messages: `XML error: Invalid value for attribute 'type' in element 'disk': 'T'.`, `XML error: Missing required attribute 'protocol' in element 'source'`, `XML error: unknown storage source type 'T'`, `XML error: missing disk backing store format`, `XML error: unknown storage source format 'F'`, `XML error: missing disk backing store source`, `XML error: missing data file store format`.",
	].join('\n\n'),
	versions: "libvirt 7.0.0 says `unsupported configuration: unknown disk type 'T'` and `XML error: missing network source protocol type`, and has no vhost-user disks; releases before 10.10.0 ignore `<dataStore>`.",
	example: "<source file='/var/lib/libvirt/images/top.qcow2'/>\n<backingStore type='file'>\n  <source file='/var/lib/libvirt/images/base.qcow2'/>\n</backingStore>",
	check(context) {
		for (const disk of context.doc.disks) {
			for (const layer of disk.layers) {
				const type = getAttribute(layer.container, 'type');
				// The disk's own type is an enum attribute: an empty one is refused like any unknown value.
				const finding = layer.depth > 0
					? backingProblem(context, layer) ?? sourceProblem(context, layer)
					: type && type.value !== null && !STORAGE_TYPES.includes(type.value)
						? unknownType(context, layer, type as XmlAttribute & { value: string })
						: sourceProblem(context, layer);
				if (finding) {
					context.report(finding);
					break;
				}
				if (layer.depth === 0 && disk.dataStore && since(context.version, DATA_STORE)) {
					const format = firstChild(disk.dataStore.container, 'format');
					if (!format || !getAttribute(format, 'type')) {
						context.report({ span: nameSpan(format ?? disk.dataStore.container), message: 'A <dataStore> needs <format type=…/>.', libvirtMessage: 'XML error: missing data file store format' });
						break;
					}
				}
			}
		}
	},
};
