/**
 * Which labels of a domain libvirt hands to SELinux, and how each is used: the process label of a
 * static (or live) seclabel, the image label of live XML, the base label of a dynamic seclabel and
 * device `<label>` overrides. The SELinux rules all start from this list so that they agree on
 * which text is a context and where its parts are in the document.
 */
import type { DeviceSeclabel, DiskModel, DomainSeclabel } from '../parser/seclabelModel';
import { contentSpan, trimmedContentSpan, type Span, type XmlElement } from '../parser/xmlParser';
import type { Finding, RuleContext } from '../rules/rule';
import { deviceRelabel, effectiveDomainModels, LABEL_MAX, seclabelType } from '../rules/semantics';
import { effectiveCatalogue, type SelinuxCatalogue } from './catalogue';
import { parseContext, type ParsedContext, type ParsedLevel } from './context';
import type { PolicyInfo } from './policy';

/**
 * `process`: a domain `<label>`, the context QEMU runs with. `image`: a domain `<imagelabel>`, what
 * libvirt labels the guest's private files with. `base`: a `<baselabel>`, of which only the type is
 * used. `device`: a device `<label>`, what libvirt labels that one image or chardev with.
 */
export type LabelUse = 'process' | 'image' | 'base' | 'device';

export interface SelinuxLabel {
	readonly element: XmlElement;
	readonly use: LabelUse;
	/** What libvirt reads (`string(./label)`). */
	readonly value: string;
	readonly parsed: ParsedContext;
	/** The domain seclabel the label belongs to, or the one that governs a device label. */
	readonly domainSeclabel?: DomainSeclabel;
	readonly deviceSeclabel?: DeviceSeclabel;
	/** The disk a device label belongs to. */
	readonly disk?: DiskModel;
	/** True for the `<label>` of a `type='static'` seclabel, which libvirt verifies at define. */
	readonly isStatic: boolean;
	/** Where value offset 0 is in the document, when value offsets map one to one onto the text. */
	readonly valueOffset?: number;
	/** The whole label's content, for findings when offsets do not map (entities, CDATA). */
	readonly contentSpan: Span;
}

const labelCache = new WeakMap<object, { key: string; labels: SelinuxLabel[] }>();

/** The domain seclabel whose model ends up selinux, if any. */
export function selinuxDomainSeclabel(context: RuleContext): DomainSeclabel | undefined {
	const models = effectiveDomainModels(context);
	return context.doc.seclabels.find((_, index) => models[index] === 'selinux');
}

function makeLabel(context: RuleContext, element: XmlElement, use: LabelUse, extra: Partial<SelinuxLabel>): SelinuxLabel | undefined {
	const value = context.textOf(element);
	// libvirt treats an empty or over-long label as missing (label-missing reports it), and parsing
	// megabytes of label on every keystroke would stall the server.
	if (value.length === 0 || value.length > LABEL_MAX) {
		return undefined;
	}
	const span = contentSpan(element);
	const raw = context.text.slice(span.start, span.end);
	return {
		element,
		use,
		value,
		parsed: parseContext(value),
		isStatic: false,
		valueOffset: raw === value ? span.start : undefined,
		contentSpan: raw === value ? span : trimmedContentSpan(context.text, element),
		...extra,
	};
}

/** Every SELinux context libvirt will use from this document, in document order of their kind. */
export function selinuxLabels(context: RuleContext): SelinuxLabel[] {
	// Which seclabel ends up selinux depends on the driver and the host's model, so they key the cache.
	const key = `${context.driver}|${context.hostSecurityModel}`;
	const cached = labelCache.get(context.doc);
	if (cached && cached.key === key) {
		return cached.labels;
	}
	const labels: SelinuxLabel[] = [...domainSelinuxLabels(context)];
	const domainSeclabel = selinuxDomainSeclabel(context);
	for (const seclabel of context.doc.deviceSeclabels) {
		if (seclabel.model?.value !== 'selinux' || deviceRelabel(seclabel) === false || seclabel.labels.length === 0) {
			continue;
		}
		const disk = seclabel.owner.kind === 'disk' ? seclabel.owner.disk : undefined;
		const made = makeLabel(context, seclabel.labels[0], 'device', { deviceSeclabel: seclabel, domainSeclabel, disk });
		if (made) {
			labels.push(made);
		}
	}
	labelCache.set(context.doc, { key, labels });
	return labels;
}

const domainLabelCache = new WeakMap<object, { key: string; labels: SelinuxLabel[] }>();

/**
 * The labels of the domain seclabels alone (process, image, base), the head of selinuxLabels: what
 * a document-wide rule that needs only the guest's own label reads, without the cost of parsing
 * every device label of a domain with thousands of disks on each keystroke.
 */
function domainSelinuxLabels(context: RuleContext): SelinuxLabel[] {
	const key = `${context.driver}|${context.hostSecurityModel}`;
	const cached = domainLabelCache.get(context.doc);
	if (cached && cached.key === key) {
		return cached.labels;
	}
	const labels: SelinuxLabel[] = [];
	const models = effectiveDomainModels(context);
	context.doc.seclabels.forEach((seclabel, index) => {
		if (models[index] !== 'selinux') {
			return;
		}
		const type = seclabelType(seclabel, context.version);
		const first = (elements: XmlElement[]) => elements[0];
		if (type === 'static' || (context.live && type === 'dynamic')) {
			const label = first(seclabel.labels);
			const made = label && makeLabel(context, label, 'process', { domainSeclabel: seclabel, isStatic: type === 'static' });
			if (made) {
				labels.push(made);
			}
		}
		if (context.live && (type === 'static' || type === 'dynamic')) {
			const imagelabel = first(seclabel.imagelabels);
			const made = imagelabel && makeLabel(context, imagelabel, 'image', { domainSeclabel: seclabel });
			if (made) {
				labels.push(made);
			}
		}
		if (type === 'dynamic') {
			const baselabel = first(seclabel.baselabels);
			const made = baselabel && makeLabel(context, baselabel, 'base', { domainSeclabel: seclabel });
			if (made) {
				labels.push(made);
			}
		}
	});
	domainLabelCache.set(context.doc, { key, labels });
	return labels;
}

/** The document span of value offsets `start`..`end` of a label; the whole content when offsets do not map. */
export function spanInLabel(label: SelinuxLabel, start: number, end: number): Span {
	if (label.valueOffset === undefined) {
		return label.contentSpan;
	}
	return { start: label.valueOffset + start, end: label.valueOffset + end };
}

/** The document span of the whole value. */
export function labelSpan(label: SelinuxLabel): Span {
	return spanInLabel(label, 0, label.value.length);
}

/**
 * When a context the kernel refuses bites (rules reference H3, corrected from libvirt's source):
 * only the LXC driver verifies a static process label when it parses the XML, so `virsh define` of
 * an `<domain type='lxc'>` on an SELinux host fails. The QEMU driver never does: `qemuSecurityInit`
 * always wraps its security drivers in a stack manager, and `virSecurityManagerVerify` looks up the
 * domain's seclabel for the model name `stack`, finds none and returns. So on a QEMU host (and with
 * the test driver, which has no security manager) the label fails when the guest starts.
 */
export function refusal(context: RuleContext, label: SelinuxLabel): Pick<Finding, 'stage' | 'libvirtMessage'> {
	if (label.use === 'process' && label.isStatic && context.driver !== 'test' && context.hostSecurityModel === 'selinux' && isLxcDomain(context)) {
		return { stage: 'define', libvirtMessage: `XML error: Invalid security label ${label.value}` };
	}
	return {};
}

/** An `<domain type='lxc'>`, which the LXC driver defines (and verifies at define time). */
export function isLxcDomain(context: RuleContext): boolean {
	const type = context.doc.domain?.attributes.find((attribute) => attribute.name === 'type');
	return type?.value === 'lxc';
}

const catalogueCache = new WeakMap<PolicyInfo, SelinuxCatalogue>();
let builtinCatalogue: SelinuxCatalogue | undefined;

/** The catalogue for the context's policy, built once per policy object. */
export function catalogueFor(context: RuleContext): SelinuxCatalogue {
	if (!context.policy) {
		builtinCatalogue ??= effectiveCatalogue();
		return builtinCatalogue;
	}
	let catalogue = catalogueCache.get(context.policy);
	if (!catalogue) {
		catalogue = effectiveCatalogue(context.policy);
		catalogueCache.set(context.policy, catalogue);
	}
	return catalogue;
}

/** The range the process label gives the guest, when the document fixes it (static or live). */
export function processLevels(context: RuleContext): { label: SelinuxLabel; low: ParsedLevel; high: ParsedLevel } | undefined {
	const label = domainSelinuxLabels(context).find((candidate) => candidate.use === 'process');
	if (!label || !label.parsed.low || !label.parsed.high || label.parsed.problems.length > 0) {
		return undefined;
	}
	return { label, low: label.parsed.low, high: label.parsed.high };
}
