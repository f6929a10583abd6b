/**
 * What an image carries on disk, as the security drivers read it: its SELinux label
 * (`security.selinux`) and the remember-owner attributes libvirt keeps since 5.6 in the
 * `trusted.libvirt.security.*` namespace (security_util.c: the original label `selinux`, the
 * reference count `ref_selinux`, and `timestamp_selinux`, the host's boot time when they were
 * written). The service never reads files: the CLI and the server read them, only when the user
 * turned `readImageLabels` on, and hand them in through LanguageSettings.imageLabels.
 */

/** libvirt's attribute names on Linux (XATTR_NAMESPACE "trusted"; FreeBSD uses "system"). */
export const SELINUX_XATTR = 'security.selinux';
export const REMEMBERED_XATTR = 'trusted.libvirt.security.selinux';
export const REFCOUNT_XATTR = 'trusted.libvirt.security.ref_selinux';
export const TIMESTAMP_XATTR = 'trusted.libvirt.security.timestamp_selinux';

export interface ImageLabel {
	/** The path as read (normalised). */
	readonly path: string;
	/**
	 * `ok`: the file exists and its attributes were read; `missing`: no such file; `unreadable`:
	 * the attributes could not be read (permissions, an I/O error).
	 */
	readonly status: 'ok' | 'missing' | 'unreadable';
	/** The file's current SELinux context, when it has one. */
	readonly selinux?: string;
	/** The label libvirt remembered to restore when the last guest lets the image go. */
	readonly remembered?: string;
	/** How many running guests libvirt counts as holding the image (absent: nobody, or not recorded). */
	readonly refCount?: number;
	readonly timestamp?: string;
	/** A network or FUSE file system (NFS, CIFS, Ceph, GlusterFS), where libvirt cannot remember owners. */
	readonly networkFs?: string;
	/** Why the status is not ok, in words. */
	readonly reason?: string;
}

/** Labels of the images the checked documents name, keyed by normalised path. */
export interface ImageLabelLookup {
	/** Changes whenever labels are read again, so cached findings can tell they are stale. */
	readonly generation: number;
	get(path: string): ImageLabel | undefined;
}

/** A lookup over labels already read. */
export function imageLabelLookup(labels: Iterable<ImageLabel>, generation = 0): ImageLabelLookup {
	const byPath = new Map<string, ImageLabel>();
	for (const label of labels) {
		byPath.set(label.path, label);
	}
	return { generation, get: (path) => byPath.get(path) };
}
