/**
 * What each seclabel element, attribute and value means, as data: hover, completion and the docs
 * read it from here.
 */
export const LIBVIRT_SECLABEL_DOCS = 'https://libvirt.org/formatdomain.html#security-label';

export interface ValueDoc {
	readonly value: string;
	readonly doc: string;
}

export interface AttributeDoc {
	readonly name: string;
	readonly doc: string;
	readonly values?: readonly ValueDoc[];
	/** What libvirt assumes when the attribute is absent. */
	readonly defaultDoc?: string;
	/** How libvirt versions differ in reading it. */
	readonly versions?: string;
}

export interface ElementDoc {
	readonly name: string;
	readonly doc: string;
	readonly versions?: string;
}

export const DOMAIN_SECLABEL_DOC = "**Domain security label.** How libvirt confines the guest's QEMU process and labels its resources for one security model. One per model (typically one `selinux` or `apparmor` plus one `dac`). Without any, libvirt adds a dynamic label for each active driver at start (`security_default_confined`).";
export const DEVICE_SECLABEL_DOC = "**Device override.** Changes how one disk image (or backing file, or character device) is labelled for one security model: `relabel='no'` leaves its current label alone, a `<label>` applies that label instead of the guest's image label.";

export const DOMAIN_ATTRIBUTE_DOCS: readonly AttributeDoc[] = [
	{
		name: 'type',
		doc: 'How the label is chosen. Leaving it out means `dynamic` before libvirt 8.0.0 and from 12.0.0; in between libvirt stores an internal `default` type that it never writes back (the seclabel vanishes from the saved config).',
		defaultDoc: 'none written: `dynamic` (7.x, 12.x); the internal `default` type in 8.0.0 to 11.x, which becomes `dynamic` at start (or `none` when `security_default_confined = 0`).',
		versions: 'libvirt before 8.0.0 (7.0.0) and from 12.0.0 (12.9.0) treat a missing type as `dynamic`, as the documentation says; 8.0.0 to 11.x (9.0.0, 10.7.0, 11.3.0) store `default` (virXMLPropEnum resets the type) and drop a `<baselabel>` that comes without an explicit `type=\'dynamic\'`.',
		values: [
			{ value: 'dynamic', doc: 'libvirt generates a unique label at every start (SELinux: a fresh MCS category pair) and relabels the guest\'s images to match. The default and the safest choice.' },
			{ value: 'static', doc: 'The guest runs with exactly the `<label>` you give. Relabelling is off unless `relabel=\'yes\'`: the images must already carry a matching label.' },
			{ value: 'none', doc: 'The guest runs unconfined by this model; no files are relabelled.' },
		],
	},
	{
		name: 'model',
		doc: 'The security driver this seclabel is for. It must be a driver active on the host, or the guest fails to start ("Security driver model \'M\' is not available").',
		defaultDoc: "a lone model-less seclabel gets the host's primary driver (`selinux`, `apparmor` or `none`, never `dac`); with several seclabels every one needs a model.",
		values: [
			{ value: 'selinux', doc: 'SELinux (sVirt): labels are contexts `user:role:type:level`.' },
			{ value: 'dac', doc: 'Unix ownership: labels are `user:group` (names, or `+uid:+gid`). Only with a privileged daemon.' },
			{ value: 'apparmor', doc: 'AppArmor: labels are profile names `libvirt-<uuid>`.' },
			{ value: 'none', doc: 'No security driver: always `type=\'none\'` (other types are rewritten at define, refused in live XML).' },
		],
	},
	{
		name: 'relabel',
		doc: "Whether libvirt relabels the guest's resources (images, sockets, devices) with the image label at start and restores them at shutdown.",
		defaultDoc: '`yes` for dynamic and type-less seclabels, `no` for static and none.',
		values: [
			{ value: 'yes', doc: 'Relabel resources at start (required for dynamic labels).' },
			{ value: 'no', doc: 'Leave every resource\'s label alone; they must already be accessible to the guest. Not allowed with dynamic labels.' },
		],
	},
];

export const DEVICE_ATTRIBUTE_DOCS: readonly AttributeDoc[] = [
	{ name: 'model', doc: 'The security driver this override is for. Without it the override has no effect: drivers look overrides up by their exact model name.', values: DOMAIN_ATTRIBUTE_DOCS[1].values!.filter((v) => v.value !== 'none') },
	{
		name: 'relabel',
		doc: 'Whether libvirt relabels this one file (with the `<label>` inside, or the guest\'s image label) at start.',
		defaultDoc: '`yes`.',
		versions: "`relabel='yes'` without a `<label>`: libvirt 10.7.0 refuses it in define-time XML; 9.0.0 accepts it and drops the override.",
		values: [
			{ value: 'no', doc: 'Leave this file\'s current label alone (for example a shared ISO already labelled `virt_content_t`).' },
			{ value: 'yes', doc: 'Relabel this file with the `<label>` given inside (a label is required with an explicit yes in libvirt 10.7.0).' },
		],
	},
	{
		name: 'labelskip',
		doc: 'Output-only (live XML): do not restore this image\'s label at shutdown. Ignored in define-time XML.',
		defaultDoc: '`no`.',
		values: [{ value: 'yes', doc: 'Skip the restore.' }, { value: 'no', doc: 'Restore as usual.' }],
	},
];

export const DOMAIN_CHILD_DOCS: readonly ElementDoc[] = [
	{ name: 'label', doc: 'The process label. Read for `type=\'static\'` (required), and in live XML, where it holds the label libvirt generated. Ignored under a dynamic seclabel in define-time XML.' },
	{ name: 'imagelabel', doc: 'Output-only: the label libvirt gives the guest\'s images (SELinux: `svirt_image_t` with the same MCS level as the process). Ignored in define-time XML.' },
	{
		name: 'baselabel',
		doc: 'For `type=\'dynamic\'` only: the context whose **type** the generated label uses (user, role and level come from libvirt). Dropped without an explicit `type=\'dynamic\'`. AppArmor refuses it at start.',
		versions: 'libvirt\'s documentation says a baselabel without a type implies `dynamic`, which holds before 8.0.0 and from 12.0.0; 8.0.0 to 11.x (9.0.0 and 10.7.0 read a missing type as `default`) drop the baselabel.',
	},
];

export const DEVICE_CHILD_DOCS: readonly ElementDoc[] = [
	{ name: 'label', doc: 'The label to give this file instead of the guest\'s image label (SELinux: a file context such as `system_u:object_r:svirt_image_t:s0:c1,c2`). Not allowed with `relabel=\'no\'`.' },
];

export const DISK_FLAG_DOCS: readonly ElementDoc[] = [
	{ name: 'shareable', doc: 'Several guests may use this disk at once. SELinux labels it `system_u:object_r:svirt_image_t:s0` (no categories, so every confined guest can write it) and never restores the label. Writable shareable disks must be raw (QEMU). Wins over `<readonly/>` for the label.' },
	{ name: 'readonly', doc: 'The guest cannot write this disk. SELinux labels it `system_u:object_r:virt_content_t:s0`, readable by every guest, and never restores it. cdroms are always read-only.' },
];
