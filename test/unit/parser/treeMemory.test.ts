/**
 * The tree must not keep old versions of the text alive. The incremental parse moves one tree on to
 * every later version of a document, so a string the parser cut from version N (V8 keeps a slice of
 * 13 characters or more as a view into its parent) held all of version N for as long as its element
 * lived: on a 3.5 MB domain each edit in another element kept one more 3.5 MB text (issue #12).
 * The same holds for the memo tables keyed by label text (selinux/context.ts, guestSummary.ts).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'v8';
import * as vm from 'vm';
import { DEFAULT_PARSE_LIMITS, parseXml } from '../../../server/src/service/parser/xmlParser';
import { reparseXml, spliceOf } from '../../../server/src/service/parser/incrementalParse';
import { parseContext, parseLevelRange } from '../../../server/src/service/selinux/context';
import { labelLevel } from '../../../server/src/service/workspace/guestSummary';
import { parseSeclabelText, reparseSeclabelText } from '../../../server/src/service/seclabelLanguageService';
import { modelPatchOf } from '../../../server/src/service/parser/seclabelModel';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function liveHeap(): number {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

/** A domain of `disks` disks, each with a long source path and a long element name. */
function domain(disks: number, tag: string): string {
	const parts = ["<domain type='kvm'><name>memory</name><devices>"];
	for (let i = 0; i < disks; i++) {
		parts.push(`<disk type='file' device='disk'><source file='/var/lib/libvirt/images/${tag}-disk-${i}.img'/><target dev='vd${i}' bus='virtio'/><blockiotune_group_name>g</blockiotune_group_name></disk>`);
	}
	parts.push('</devices></domain>');
	return parts.join('\n');
}

test('edits in one element after another keep no earlier version of the text alive', () => {
	const edits = 12;
	let text = domain(4000, `t${Date.now()}`);
	let doc = parseXml(text);
	let incremental = 0;
	// One warm-up edit, so that what every version holds anyway (the current text, caches) is counted before.
	const step = (k: number) => {
		const at = text.indexOf(`-disk-${k * 300}.img`) + 1;
		text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) === 100 ? 68 : 100) + text.slice(at + 1);
		const next = reparseXml(doc, text, DEFAULT_PARSE_LIMITS);
		if (next) incremental++;
		doc = next ?? parseXml(text);
	};
	step(0);
	const before = liveHeap();
	for (let k = 1; k <= edits; k++) step(k);
	const grown = liveHeap() - before;
	assert.equal(incremental, edits + 1, 'every edit is an incremental parse');
	// Each kept version would be text.length bytes (one-byte string); allow two for noise.
	assert.ok(grown < 2 * text.length, `live heap grew by ${(grown / 1048576).toFixed(1)} MiB over ${edits} edits of a ${(text.length / 1048576).toFixed(1)} MiB text`);
	// The tree still reads the edited values.
	assert.match(doc.root!.children[1].children[12 * 300].children[0].attributes[0].value!, /-[dD]isk-3600\.img$/);
});

test('a patched model keeps the previous version\'s tree without the splice that named the text before it', () => {
	// The model patch keeps the previous model, and so its tree; that tree's own splice named the
	// text of two versions back. In the server (a heap snapshot after the bench's 100 edits,
	// docs/benchmarks.md) that was a third copy of the 3.5 MB text for as long as the document stayed
	// open. A splice is read only while its own tree is the newest.
	let text = domain(200, `m${Date.now()}`);
	let doc = parseSeclabelText(text);
	for (let k = 0; k < 4; k++) {
		const at = text.indexOf(`-disk-${k * 10}.img`) + 1;
		text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) === 100 ? 68 : 100) + text.slice(at + 1);
		doc = reparseSeclabelText(doc, text);
	}
	const patch = modelPatchOf(doc);
	assert.ok(patch, 'the model was patched');
	assert.ok(spliceOf(doc.xml), 'the newest tree has its splice');
	assert.equal(spliceOf(patch.previous.xml), undefined, 'the previous tree no longer names the text before it');
});

test('names and values longer than a V8 slice are equal to the text they came from', () => {
	const text = "<domain type='kvm'><blockiotune_group_name a_long_attribute_name='a value of more than thirteen characters'/></domain>";
	const element = parseXml(text).root!.children[0];
	assert.equal(element.name, 'blockiotune_group_name');
	assert.equal(element.attributes[0].name, 'a_long_attribute_name');
	assert.equal(element.attributes[0].value, 'a value of more than thirteen characters');
});

test('the label memo tables keep no document alive', () => {
	const documents = 10;
	const size = 512 * 1024;
	const before = liveHeap();
	for (let k = 0; k < documents; k++) {
		// A document of its own per label, as each version of an edited domain is; only the label slice is passed on.
		const label = `system_u:object_r:svirt_image_t:s0:c${k},c${500 + k}${Date.now() % 1000}`;
		const text = `<label>${label}</label>`.padEnd(size, ' ') + String(k);
		const start = text.indexOf('<label>') + 7;
		const slice = text.slice(start, text.indexOf('</label>'));
		parseContext(slice);
		parseLevelRange(slice.slice(slice.indexOf('s0')));
		labelLevel(slice);
	}
	const grown = liveHeap() - before;
	assert.ok(grown < 2 * size, `the memo tables kept ${(grown / 1048576).toFixed(1)} MiB after ${documents} labels of ${size / 1024} KiB documents`);
});
