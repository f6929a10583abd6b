/**
 * libvirt versions and the releases where libvirt changed what it does with a seclabel. Each
 * version-dependent rule asks `since(version, CHANGE)` for its own boundary instead of comparing
 * with whatever release the project happened to know, so a version between two proven ones gets
 * the behaviour of the release that really introduced the change.
 *
 * The oracles (libvirt's own parsers of 7.0.0, 9.0.0, 11.3.0 and 12.9.0, see
 * scripts/setup-libvirt-oracles.sh) prove on which side of each boundary those four fall; where
 * the exact release lies between two oracles, `evidence` says what placed it there (libvirt's NEWS,
 * its source at a release, a commit) and `range` what the oracles alone prove.
 */

/** The versions the differential suite runs against: the rules are proven for these. */
export const ORACLE_VERSIONS = ['7.0.0', '9.0.0', '11.3.0', '12.9.0'] as const;

/** The oldest version the rules describe: older libvirt is checked with 7.0.0's rules. */
export const OLDEST_VERSION = '7.0.0';

/** The newest version the rules know and the oracles prove: the default target. */
export const NEWEST_VERSION = '12.9.0';

export interface Version {
	readonly major: number;
	readonly minor: number;
	readonly micro: number;
	readonly text: string;
}

/** One change in libvirt's behaviour, with the first release that has it. */
export interface VersionChange {
	/** The first release with the new behaviour. */
	readonly since: string;
	/** What changed, for docs and hovers. */
	readonly what: string;
	/** The oracle versions on either side: the change is proven to lie in (after, before]. */
	readonly range: readonly [after: string, before: string];
	/** Why the boundary is at `since` and not elsewhere in `range`. */
	readonly evidence: string;
}

/** `<disk type='vhostuser'>` exists (NEWS 7.1.0: "Introduce <disk type='vhostuser'> support"). */
export const VHOSTUSER_DISK: VersionChange = {
	since: '7.1.0',
	what: "`<disk type='vhostuser'>` is a known disk type",
	range: ['7.0.0', '9.0.0'],
	evidence: "libvirt's NEWS for 7.1.0: \"Introduce <disk type='vhostuser'> support\"; 7.0.0 refuses it with `unknown disk type 'vhostuser'`",
};

/**
 * Domain seclabel attributes read with virXMLPropEnum/virXMLPropTristateBool instead of by hand:
 * libvirt's generic messages (`Invalid value for attribute 'type' in element 'seclabel': 'X'.`)
 * replace `invalid security type 'X'` and `invalid security relabel value X`, and a missing `type`
 * stops meaning dynamic, because virXMLPropEnum resets its result to 0 (`default`) before it
 * looks, undoing the `type = dynamic` default set just before. The same rewrite read models and
 * labels with STRLIM (256 and 4096 bytes) instead of virXMLPropStringLimit/virXPathStringLimit
 * (255 and 4095), and made an invalid live `labelskip` an error instead of being ignored.
 */
export const XML_PROP_PARSING: VersionChange = {
	since: '8.0.0',
	what: "seclabel attributes parsed with libvirt's generic XML property helpers (new messages, 256/4096-byte limits, a type-less seclabel is `default`)",
	range: ['7.0.0', '9.0.0'],
	evidence: "the source of 7.0.0 (virXMLPropString + virStringParseYesNo, virXPathStringLimit) against 9.0.0 (virXMLPropEnum, virXMLPropTristateBool, STRLIM); the oracles agree; placed at the first release after the 7.x series, where the project's issue found the new messages",
};

/** A device seclabel with relabel='yes' written out and no label is refused at define time (commit a36318be9d6f). */
export const DEVICE_RELABEL_NEEDS_LABEL: VersionChange = {
	since: '9.8.0',
	what: "a device seclabel with relabel='yes' and no <label> is refused at define time instead of being dropped",
	range: ['9.0.0', '11.3.0'],
	evidence: 'commit a36318be9d6f, first released between 9.3 and 9.8; 9.8.0 is the oldest release proven to refuse it (9.0.0\'s source has no such check)',
};

/** The AppArmor driver's base-label message is spelt "AppArmor" instead of "AppArmour". */
export const APPARMOR_SPELLING: VersionChange = {
	since: '11.3.0',
	what: "the AppArmor driver's message says `AppArmor` instead of `AppArmour`",
	range: ['9.0.0', '11.3.0'],
	evidence: "security_apparmor.c's `Cannot set a base label with AppArmour` in 7.0.0 and 9.0.0 (their source), 10.7.0 and, by the project's issue, 10.8, and `AppArmor` in 11.3.0's source; not narrowed further: the search index holds security_apparmor.c at one commit only (ec783d7c, a pre-meson tree), libvirt's NEWS up to 12.5 has no entry for the spelling (11.3.0's drops support for AppArmor before 3.0, a plausible home for it, unproven), so the oldest release proven (11.3.0 oracle) is used",
};

/** A type-less domain seclabel is dynamic again (virXMLPropEnumDefault with dynamic as the default). */
export const TYPELESS_IS_DYNAMIC: VersionChange = {
	since: '12.0.0',
	what: "a domain seclabel without `type` is dynamic again, so `relabel='no'` without a type is refused",
	range: ['11.3.0', '12.9.0'],
	evidence: "11.3.0's source still resets the type to default (virSecurityLabelDefParseXML presets dynamic, then virXMLPropEnum sets 0 when `type` is absent); libvirt 12.0.0 (Fedora 44) refuses `<seclabel relabel='no'/>` with `dynamic label type must use resource relabeling`, as 12.9.0 does (the fix is virXMLPropEnumDefault with dynamic as the default; the commit was not found)",
};

/** Starting a guest with a type='none' seclabel for an unavailable model no longer fails (NEWS 12.3.0). */
export const NONE_LABEL_NEEDS_NO_MODEL: VersionChange = {
	since: '12.3.0',
	what: "a `type='none'` seclabel for a security model the host does not run no longer stops the guest from starting",
	range: ['11.3.0', '12.9.0'],
	evidence: "libvirt's NEWS for 12.3.0: \"security: Don't error out on security labels of type='none'\"",
};

/**
 * A device override with `relabel='no'` (and no label) is accepted under a domain seclabel that
 * relabels nothing: it asks for what the domain already does.
 */
export const NORELABEL_OVERRIDE_ALLOWED: VersionChange = {
	since: '12.8.0',
	what: "a device seclabel with `relabel='no'` is accepted under a domain seclabel for the same model that relabels nothing",
	range: ['11.3.0', '12.9.0'],
	evidence: "the 11.3.0 oracle refuses it (label overrides require relabeling…); Debian sid's libvirt-clients 12.8.0-1, probed once in a debootstrap chroot on 2026-12-02 (not a CI oracle: sid moves), accepts it, as the 12.9.0 oracle does, while both still refuse an override with a label; libvirt's NEWS up to 12.5 does not mention it, and the one copy of src/conf/domain_validate.c the search index serves (commit 0c5f37364ffc) still refuses unconditionally, so the commit is not found and the oldest release proven to accept it (12.8.0) is used",
}

/**
 * `<nvram type='…'>` takes a `<source>` (with device seclabels) from 8.5.0 (NEWS: "Introduce support
 * for network backed NVRAM"); older libvirt reads `<nvram>` as a plain path. For the parse-site rules.
 */
export const NVRAM_SOURCE: VersionChange = {
	since: '8.5.0',
	what: '`<nvram>` takes a `<source>`, whose seclabels libvirt reads',
	range: ['7.0.0', '9.0.0'],
	evidence: 'libvirt\'s NEWS for 8.5.0: "qemu: Introduce support for network backed NVRAM" (the `type` attribute and `<source>` of `<nvram>`)',
};

/** A disk `<source>` takes a `<dataStore>` (qcow2 data-file) whose `<source>` carries seclabels, from 10.10.0. */
export const DATA_STORE: VersionChange = {
	since: '10.10.0',
	what: 'a disk source takes a `<dataStore>`, whose source seclabels libvirt reads',
	range: ['9.0.0', '11.3.0'],
	evidence: 'libvirt\'s NEWS for 10.10.0: "qemu: Support for the \'data-file\' QCOW2 image feature" (the `<dataStore>` element)',
};

/**
 * A UDP character device's second `<source>` (the `connect` end) is no longer read for seclabels:
 * 7.0.0 parses the seclabels of every source, 9.0.0 and later of the first one only.
 */
export const UDP_SECOND_SOURCE_UNREAD: VersionChange = {
	since: '9.0.0',
	what: "a UDP character device's second `<source>` is no longer read for seclabels",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles: 7.0.0 refuses a malformed seclabel in a UDP chardev's second source, 9.0.0, 11.3.0 and 12.9.0 accept it unread (test/differential/sites.test.ts). The source: 7.0.0's virDomainChrSourceDefParseXML walks every child and reads the seclabels of each `<source>`; 9.0.0's collects `<source>`, `<log>` and `<protocol>` with XPath and reads the first source's only (the per-type helpers such as virDomainChrSourceDefParseUDP are in both); the commit was not found, so the oldest release proven is used",
};

/** libvirt prints libxml2's whole message; 7.0.0 cuts it at 1,022 bytes. */
export const FULL_XML_ERRORS: VersionChange = {
	since: '9.0.0',
	what: "libvirt prints libxml2's whole well-formedness message instead of its first 1,022 bytes",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles: 7.0.0 cuts long messages at 1,022 bytes, 9.0.0 and later print them whole (the broken documents of test/differential/xmlErrorsOnly.test.ts and xmlWellFormed.test.ts, compared byte for byte). The source: 7.0.0's virReportErrorHelper (virerror.c) formats into `char errorMessage[VIR_ERROR_MAX_LENGTH]` (1024) with g_vsnprintf(…, sizeof - 1), 9.0.0's uses g_strdup_vprintf and VIR_ERROR_MAX_LENGTH is gone; catchXMLError is the same in both. The commit was not found, so the oldest release proven is used",
};

/** libvirt checks the root element's name while parsing the document, in new words. */
export const ROOT_ELEMENT_CHECK: VersionChange = {
	since: '9.0.0',
	what: "another root element is refused as `expecting root element of 'domain', not 'X'` instead of `unexpected root element <X>, expecting <domain>`",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles: 7.0.0 says `unexpected root element <q:domain>, expecting <domain>` (virDomainDefParseNode's own check), 9.0.0, 11.3.0 and 12.9.0 `expecting root element of 'domain', not 'q:domain'` (virXMLParseHelper's rootelement argument, which took over the check). A 7.3.0 user's report (retspen/webvirtcloud#441) quotes a root message in the old form (`unexpected root element <domain> expecting <device>`), so the old style was still in use somewhere at 7.3.0; for the domain's root that is not proven. The commit was not found, so the oldest release proven is used",
};

/** libvirt words the place of a libxml2 error `at line N:` instead of `(domain_definition):N:`. */
export const XML_ERROR_AT_LINE: VersionChange = {
	since: '11.0.0',
	what: 'a well-formedness error is introduced with `at line N:` instead of `(domain_definition):N:`',
	range: ['9.0.0', '11.3.0'],
	evidence: "the oracles: 9.0.0 says `(domain_definition):N:`, 11.3.0 and 12.9.0 `at line N:`. The source: 9.0.0's catchXMLError prints libxml2's lastError.file, which libxml2 sets to the document's name `(domain_definition)`; 11.3.0's virXMLParseHelper reads files itself (virFileReadAll) and keeps its own file name, set only for a real file, so a document parsed from memory, as virsh define's is, gets `at line N:`. NEWS up to 12.5 does not mention it and the commit was not found; taken at 11.0.0, a major release, and not proven: a target from 9.1.0 to 10.10.x may get either head",
};

/**
 * libxml2's own wording of some errors, which is libxml2's (2.9.10 to 2.9.14), not libvirt's:
 * keyed on the libvirt release Debian pairs with it, since the rules know libvirt's version only.
 */
export const LIBXML2_2_9_14: VersionChange = {
	since: '9.0.0',
	what: "libxml2 2.9.14's wording (`Premature end of data in tag X line N`, `unparsable`, a CR LF counted once) instead of 2.9.10's",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles: Debian 11's 7.0.0 links libxml2 2.9.10, Debian 12's 9.0.0 and Debian 13's 11.3.0 and 12.9.0 link 2.9.14 (ldd), and the wording follows the library (test/differential/xmlWellFormed.test.ts); another distribution may pair the two otherwise",
};

/**
 * The disk and storage-source parsers read their attributes with libvirt's generic XML property
 * helpers: `Invalid value for attribute 'type' in element 'disk'` instead of `unknown disk type`,
 * `Missing required attribute 'protocol'` instead of `missing network source protocol type`.
 */
export const STORAGE_PROP_PARSING: VersionChange = {
	since: '9.0.0',
	what: "the disk and storage-source attributes are read with libvirt's generic XML property helpers (their generic messages)",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles: 7.0.0 words both errors the old way, 9.0.0, 11.3.0 and 12.9.0 the new way (storage-source-invalid's tests). The source: 7.0.0 reads the disk type with virStorageTypeFromString (`unknown disk type`) and the protocol by hand; 9.0.0 with virXMLPropEnumDefault in the new virDomainDiskDefParseSourceXML and virXMLPropEnum(VIR_XML_PROP_REQUIRED) in virDomainDiskSourceNetworkParse; the conversion commits were not found, so the oldest release proven is used",
};

/**
 * An nmdm character device needs both `master` and `slave` or neither: 7.0.0 refuses a missing
 * `master` (even with no `slave`) and then a missing `slave`, each in its own words; 9.0.0 and later
 * accept neither and refuse one alone (`Should define both master and slave path attributes…`).
 */
export const NMDM_BOTH_PATHS: VersionChange = {
	since: '9.0.0',
	what: 'an nmdm character device may omit both `master` and `slave`; one alone is refused with `Should define both master and slave path attributes for nmdm device`',
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles (test/differential/sites.test.ts): 7.0.0 says `Missing master path attribute for nmdm device` / `Missing slave path attribute…`, 9.0.0, 11.3.0 and 12.9.0 the new words. The source: the parse is the same in both, the change is in the validator (domain_validate.c), made for bhyve, which from then fills in missing paths as /dev/nmdm<UUID>A and B (9.0.0's bhyve_domain.c, test bhyvexml2argv-console-master-slave-not-specified); no NEWS entry, the commit was not found, so the oldest release proven is used",
};

/**
 * A local disk (file, block, dir) without a source path, other than a cdrom or floppy, is refused
 * with `missing source information for device X` when the domain is validated, after every device
 * is parsed; 7.0.0 refuses it while parsing the disk, after its own source's seclabels and before
 * its backing chain.
 */
export const DISK_SOURCE_VALIDATED: VersionChange = {
	since: '9.0.0',
	what: 'a disk without source information is refused at validation, after every device is parsed, instead of while the disk is parsed',
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles (test/differential/sites.test.ts): 7.0.0 reports the missing source before a backing store without a format and before a malformed seclabel in a later device, 9.0.0, 11.3.0 and 12.9.0 after both. The source: 7.0.0 raises it in virDomainDiskDefParseXML (domain_conf.c), 9.0.0 in virDomainDiskDefValidate (domain_validate.c), after the refactor that split out virDomainDiskDefParseSource and removed VIR_DOMAIN_DEF_PARSE_DISK_SOURCE; the commit was not found, so the oldest release proven is used",
};

/**
 * A `device='lun'` disk is checked when the domain is validated with libvirt's current words
 * (`disk device='lun' is only valid for block type disk source`, `... is not supported for
 * protocol='P'`), and its format must be raw; before, one message covered every wrong source
 * (`disk 'X' improperly configured for a device='lun'`) and a qcow2 lun was accepted.
 */
export const LUN_VALIDATION: VersionChange = {
	since: '9.0.0',
	what: "a device='lun' disk is refused with a message per cause, and must be raw",
	range: ['7.0.0', '9.0.0'],
	evidence: "the oracles (test/differential/sites.test.ts, the test driver): 7.0.0 says \"disk 'sda' improperly configured for a device='lun'\" and accepts a qcow2 lun, 9.0.0, 11.3.0 and 12.9.0 give the cause and refuse it. The source: 7.0.0 already has the precise messages and the raw check in the QEMU driver (qemuDomainDefValidateDiskLunSource, NEWS 6.4.0 \"qemu: stricter validation for disk type='lun'\"), which the QEMU driver's device validation runs before the common check, so on a QEMU host the precise words apply at every release (disk-lun-invalid); 9.0.0 moved that function into common code (virDomainDiskDefSourceLUNValidate), one commit for the messages and the raw check. The commit was not found (no libvirt history reachable here): the oldest release proven is used",
};

/**
 * A `sheepdog` network source (QEMU dropped the driver in 6.0, libvirt its storage backend in 8.8.0)
 * is refused in domain XML: `'sheepdog' protocol is no longer supported by any hypervisor driver`.
 */
export const SHEEPDOG_REFUSED: VersionChange = {
	since: '11.1.0',
	what: "a disk or backing layer with protocol='sheepdog' is refused after parsing",
	range: ['9.0.0', '11.3.0'],
	evidence: "the oracles (test/differential/sites.test.ts): 9.0.0 accepts it, 11.3.0 and 12.9.0 refuse it, in virDomainDiskDefValidateSourceChainOne (11.3.0's src/conf/domain_validate.c; no NEWS entry). The commit is most likely f976d1b06c6d (the one stored version of tests/qemuxmlconfdata/disk-network-sheepdog.x86_64-latest.err): its tree already takes passt for vhost-user interfaces (NEWS 11.1.0) and still tests QEMU 5.2 and 6.0 capabilities (support for QEMU 6.1 and older was removed in 11.2.0), so it was first released in 11.1.0 or 11.2.0. The earlier is used: no QEMU that libvirt 11 supports has sheepdog, so a refusal reported one release early costs nothing, while one missed hides a disk that cannot work",
};

/** The chardev types `qemu-vdagent` and `dbus` exist (7.0.0 refuses them as unknown types): NEWS 8.4.0. */
export const CHARDEV_VDAGENT_DBUS: VersionChange = {
	since: '8.4.0',
	what: "the character device types `qemu-vdagent` and `dbus` are known",
	range: ['7.0.0', '9.0.0'],
	evidence: "libvirt's NEWS (as 9.0.0's NEWS.rst carries it) for v8.4.0 (2022-06-01): \"qemu: add qemu-vdagent channel\" (commit 05b09f039e, \"conf: add qemu-vdagent channel\") and \"qemu: D-Bus display\", whose series adds the `dbus` chardev type right after `qemu-vdagent` in virDomainChrType; 7.0.0's source has neither type nor their parse helpers (virDomainChrSourceDefParseQemuVdagent), 9.0.0's has both; the oracles agree (7.0.0 refuses both with `unknown type presented to host for character device`, test/differential/sites.test.ts)",
};

/**
 * Which encoding names an XML declaration may give: libxml2 2.9 looks a name up in its own handlers,
 * then glibc's iconv (the exact name), then ICU where it is built with ICU, which matches loosely
 * (`latin-1`, `UTF_8`, `ibm-819`). Not a change in libvirt: Debian 11 and 12 build libxml2 with ICU
 * (7.0.0 and 9.0.0 accept such names), Debian 13 and its backports without (11.3.0 and 12.9.0 refuse
 * them with `Unsupported encoding latin-1`).
 */
export const LIBXML2_WITHOUT_ICU: VersionChange = {
	since: '11.3.0',
	what: "an encoding name only ICU knows (`latin-1`, `UTF_8`, `ibm-819`) is refused: `Unsupported encoding NAME`",
	range: ['9.0.0', '11.3.0'],
	evidence: "the oracles: Debian 11's 7.0.0 and Debian 12's 9.0.0 link a libxml2 built with ICU (ldd: libicuuc) and accept ICU's names, Debian 13's 11.3.0 and 12.9.0 link one without and refuse them (test/differential/xmlWellFormed.test.ts); a property of the distribution's libxml2, not of libvirt, placed at the first oracle without ICU: Ubuntu 24.04 (10.0.0, libxml2 with ICU like Debian 12) is on the ICU side, a RHEL 9 libxml2 (10.x, no ICU) would refuse them",
};

/** Every boundary, oldest first, for docs and tests. */
export const VERSION_CHANGES: readonly VersionChange[] = [VHOSTUSER_DISK, XML_PROP_PARSING, CHARDEV_VDAGENT_DBUS, NVRAM_SOURCE, UDP_SECOND_SOURCE_UNREAD, FULL_XML_ERRORS, ROOT_ELEMENT_CHECK, LIBXML2_2_9_14, STORAGE_PROP_PARSING, NMDM_BOTH_PATHS, DISK_SOURCE_VALIDATED, LUN_VALIDATION, DEVICE_RELABEL_NEEDS_LABEL, DATA_STORE, XML_ERROR_AT_LINE, SHEEPDOG_REFUSED, APPARMOR_SPELLING, LIBXML2_WITHOUT_ICU, TYPELESS_IS_DYNAMIC, NONE_LABEL_NEEDS_NO_MODEL, NORELABEL_OVERRIDE_ALLOWED];

/** Every version the rules distinguish: the oracles' and each boundary, oldest first. */
export const KNOWN_VERSIONS: readonly string[] = [...new Set([...ORACLE_VERSIONS, ...VERSION_CHANGES.map((change) => change.since)])]
	.sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));

export function parseVersion(text: string): Version | undefined {
	const match = /^\s*(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?\s*$/.exec(text);
	if (!match) {
		return undefined;
	}
	const major = Number(match[1]);
	const minor = Number(match[2]);
	const micro = Number(match[3] ?? '0');
	return { major, minor, micro, text: `${major}.${minor}.${micro}` };
}

export function compareVersions(a: Version, b: Version): number {
	return a.major - b.major || a.minor - b.minor || a.micro - b.micro;
}

/** Boundaries parsed once: rules ask for them per seclabel, on every keystroke. */
const parsedBoundaries = new Map<string, Version>();

/** True when `version` is at least `than` (`X.Y.Z`). */
export function atLeast(version: Version, than: string): boolean {
	let boundary = parsedBoundaries.get(than);
	if (!boundary) {
		boundary = parseVersion(than)!;
		parsedBoundaries.set(than, boundary);
	}
	return compareVersions(version, boundary) >= 0;
}

/** True when `version` has the behaviour that `change` introduced. */
export function since(version: Version, change: VersionChange): boolean {
	return atLeast(version, change.since);
}

/** The version a setting names, or the default target when it names none (or `auto` is unresolved). */
export function targetVersion(text: string | undefined): Version {
	return (text !== undefined && parseVersion(text)) || parseVersion(NEWEST_VERSION)!;
}

/** Where the version whose rules apply came from, for hovers. */
export type VersionSource = 'setting' | 'auto' | 'default';
