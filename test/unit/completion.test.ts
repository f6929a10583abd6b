import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { InsertTextFormat } from 'vscode-languageserver-types';
import { domain, liveDomain, disk, coded } from '../support/fixture';
import { accept, completionsAt, item, labels, prepared, replaced } from '../support/cursor';
import type { WorkspaceContext } from '../../server/src/service/types';
import { MAX_CATEGORY_ITEMS } from '../../server/src/service/features/completionContexts';

const PAIR = /^s0:c(\d+),c(\d+)$/;

function assertFreshPair(label: string, used: ReadonlySet<string> = new Set()): void {
	const match = PAIR.exec(label);
	assert.ok(match, `'${label}' is not a category pair s0:cA,cB`);
	const [a, b] = [Number(match[1]), Number(match[2])];
	assert.ok(a < b && b <= 1023, `'${label}' must have two ascending categories within c0..c1023`);
	assert.ok(!used.has(label), `'${label}' is already used`);
}

test('under <domain>, a half-typed <sec offers the three seclabel snippets replacing it from the <', () => {
	const list = completionsAt(domain('  <sec|'));
	assert.deepEqual(labels(list), ['seclabel dynamic', 'seclabel static', 'seclabel static dac', 'seclabel none']);
	for (const completion of list.items) {
		assert.equal(replaced(list.cursor, completion), '<sec');
		assert.equal(completion.insertTextFormat, InsertTextFormat.Snippet);
		assert.equal(completion.filterText, '<seclabel');
		assert.ok(completion.detail && completion.documentation, `${completion.label} needs a detail and documentation`);
	}
});

test('the dynamic snippet inserts a seclabel libvirt accepts without findings', () => {
	const list = completionsAt(domain('  <sec|'));
	const result = accept(list.cursor, item(list, 'seclabel dynamic'));
	assert.equal(result, domain("  <seclabel type='dynamic' model='selinux'/>"));
	assert.deepEqual(coded(result), []);
});

test('the static snippet carries a label with a fresh pair and passes the rules', () => {
	const list = completionsAt(domain('  <|'));
	const static_ = item(list, 'seclabel static');
	assert.equal(replaced(list.cursor, static_), '<');
	const result = accept(list.cursor, static_);
	const label = /<label>system_u:system_r:svirt_t:(s0:c\d+,c\d+)<\/label>/.exec(result);
	assert.ok(label, result);
	assertFreshPair(label[1]);
	assert.ok(result.includes("<seclabel type='static' model='selinux' relabel='no'>\n    <label>"), 'the label is indented one level (two spaces, like the document)');
	assert.deepEqual(coded(result), []);
});

test('seclabel snippets leave out models another domain seclabel already has', () => {
	const list = completionsAt(domain("  <seclabel type='dynamic' model='selinux'/>\n  <|"));
	assert.deepEqual(labels(list), ['seclabel dynamic', 'seclabel static dac', 'seclabel none']);
	assert.match(item(list, 'seclabel dynamic').textEdit!.newText, /model='\$\{1\|apparmor,dac\|\}'/);
});

test('inside a domain seclabel, element names follow what libvirt reads for its type', () => {
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='static' model='selinux'>\n    <|\n  </seclabel>"))), ['label']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='dynamic' model='selinux'>\n    <|\n  </seclabel>"))), ['baselabel']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='none' model='selinux'>\n    <|\n  </seclabel>"))), []);
	// Live XML (a running guest's dumpxml) reads label and imagelabel of a dynamic seclabel.
	assert.deepEqual(labels(completionsAt(liveDomain("  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <|\n  </seclabel>"))), ['label', 'imagelabel', 'baselabel']);
});

test('a child already present is not offered again', () => {
	const list = completionsAt(domain("  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <|\n  </seclabel>"));
	assert.deepEqual(labels(list), []);
});

test('device seclabels offer <label> unless relabelling is off, and never imagelabel or baselabel', () => {
	const list = completionsAt(domain('', disk("<seclabel model='selinux'><|</seclabel>")));
	assert.deepEqual(labels(list), ['label']);
	assert.equal(accept(list.cursor, item(list, 'label')), domain('', disk("<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>")));
	assert.deepEqual(labels(completionsAt(domain('', disk("<seclabel model='selinux' relabel='no'><|</seclabel>")))), []);
});

test('inside a disk <source>, device override snippets; inside <disk>, shareable and readonly', () => {
	const source = completionsAt(domain('', disk('|')));
	assert.deepEqual(labels(source), ["seclabel relabel='no'", 'seclabel with label']);
	const withNo = accept(source.cursor, item(source, "seclabel relabel='no'"));
	assert.equal(withNo, domain('', disk("<seclabel model='selinux' relabel='no'/>")));
	const flags = completionsAt(domain('', disk('', '\n      |')));
	assert.deepEqual(labels(flags), ['shareable', 'readonly']);
	assert.deepEqual(labels(completionsAt(domain('', disk('', '\n      <readonly/>\n      |')))), ['shareable']);
});

test('no override snippet for a model whose domain seclabel has relabelling off', () => {
	const list = completionsAt(domain("  <seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>", disk('|')));
	assert.deepEqual(labels(list), ["seclabel relabel='no'"]);
	assert.match(list.items[0].textEdit!.newText, /model='\$\{1:dac\}'/);
});

test('override snippets follow the effective domain model and relabel flag, as device-override-needs-relabel does', () => {
	// A lone model-less type='none' seclabel gets the host's model (selinux) and relabels nothing.
	const hostModel = completionsAt(domain("  <seclabel type='none'/>", disk('|')));
	assert.deepEqual(labels(hostModel), ["seclabel relabel='no'"]);
	assert.match(hostModel.items[0].textEdit!.newText, /model='\$\{1:dac\}'/);
	// Accepting it gives a document the rule accepts.
	assert.deepEqual(coded(accept(hostModel.cursor, hostModel.items[0])).filter((finding) => finding.code === 'device-override-needs-relabel'), []);
	// With apparmor as the host's model, the selinux override is offered again.
	const apparmorHost = completionsAt(domain("  <seclabel type='none'/>", disk('|')), { hostSecurityModel: 'apparmor' });
	assert.match(apparmorHost.items[0].textEdit!.newText, /selinux/);
});

test('attribute names: only those not present and valid at that level', () => {
	const blank = completionsAt(domain("  <seclabel type='dynamic' |/>"));
	assert.deepEqual(labels(blank), ['model', 'relabel']);
	assert.equal(blank.items[1].textEdit!.newText, "relabel='${1:yes}'$0");
	assert.equal(accept(blank.cursor, item(blank, 'model')), domain("  <seclabel type='dynamic' model='selinux'/>"));
	const typed = completionsAt(domain("  <seclabel mo|/>"));
	assert.equal(replaced(typed.cursor, item(typed, 'model')), 'mo');
	assert.deepEqual(labels(typed), ['type', 'model', 'relabel']);
	// labelskip is output-only: offered on device seclabels of live XML only.
	assert.deepEqual(labels(completionsAt(domain('', disk("<seclabel |/>")))), ['model', 'relabel']);
	assert.deepEqual(labels(completionsAt(liveDomain('', disk("<seclabel |/>")))), ['model', 'relabel', 'labelskip']);
});

test('attribute values: relabel under dynamic and none, type next to relabel, models not taken', () => {
	const dynamic = completionsAt(domain("  <seclabel type='dynamic' relabel='|'/>"));
	assert.deepEqual(labels(dynamic), ['yes']);
	assert.equal(replaced(dynamic.cursor, dynamic.items[0]), '');
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='none' relabel='|'/>"))), ['no']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='static' relabel='|'/>"))), ['yes', 'no']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='|' relabel='no'/>"))), ['static', 'none']);
	const model = completionsAt(domain("  <seclabel type='dynamic' model='dac'/>\n  <seclabel type='dynamic' model='se|linux'/>"));
	assert.deepEqual(labels(model), ['selinux', 'apparmor']);
	assert.equal(replaced(model.cursor, model.items[0]), 'selinux');
	assert.ok(model.items.every((completion) => completion.documentation && completion.detail));
});

test('device relabel values follow the label: yes with one, no without', () => {
	assert.deepEqual(labels(completionsAt(domain('', disk("<seclabel model='selinux' relabel='|'/>")))), ['no']);
	assert.deepEqual(labels(completionsAt(domain('', disk("<seclabel model='selinux' relabel='|'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>")))), ['yes']);
});

test('contexts by part: users, then process roles in <label>, object_r in <imagelabel>', () => {
	const user = completionsAt(domain("  <seclabel type='static' model='selinux'><label>sys|</label></seclabel>"));
	// A whole label first (see the whole-label tests), then the users.
	assert.match(labels(user)[0], /^system_u:system_r:svirt_t:s0:c\d+,c\d+$/);
	assert.equal(labels(user)[1], 'system_u');
	assert.equal(replaced(user.cursor, item(user, 'system_u')), 'sys');
	assert.equal(item(user, 'system_u').textEdit!.newText, 'system_u:');
	const role = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:|:svirt_t:s0</label></seclabel>"));
	assert.deepEqual(labels(role), ['system_r', 'unconfined_r']);
	assert.equal(item(role, 'system_r').textEdit!.newText, 'system_r', 'a colon already follows');
	const imageRole = completionsAt(liveDomain("  <seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c1,c2</label><imagelabel>system_u:|</imagelabel></seclabel>"));
	assert.deepEqual(labels(imageRole), ['object_r']);
});

test('types by kind: process types in a domain label, file types in a device label', () => {
	const process = labels(completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:s|</label></seclabel>")));
	assert.equal(process[0], 'svirt_t');
	assert.ok(process.includes('svirt_tcg_t'));
	assert.ok(!process.includes('svirt_image_t'));
	const file = labels(completionsAt(domain('', disk("<seclabel model='selinux'><label>system_u:object_r:|</label></seclabel>"))));
	assert.ok(file.includes('svirt_image_t') && file.includes('virt_content_t'));
	assert.ok(!file.includes('svirt_t'));
});

test('host policy names replace the built-in ones when the settings carry them', () => {
	const settings = { policy: { source: '/etc/selinux/targeted', types: ['svirt_t', 'svirt_image_t'], users: ['system_u', 'sysadm_u'] } };
	const [whole, ...users] = labels(completionsAt(domain("  <seclabel type='static' model='selinux'><label>|</label></seclabel>"), settings));
	assert.match(whole, /^system_u:system_r:svirt_t:s0:c\d+,c\d+$/);
	assert.deepEqual(users, ['system_u', 'sysadm_u']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:|</label></seclabel>"), settings)), ['svirt_t']);
});

test('at the level, a fresh pair comes first and avoids the levels of the workspace and this document', () => {
	const used = new Set(['s0:c1,c2', 's0:c3,c4']);
	const calls: (string | undefined)[] = [];
	const workspace: WorkspaceContext = { usedLevels: (uri) => { calls.push(uri); return used; } };
	const list = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:|</label></seclabel>"), { workspace });
	assert.deepEqual(calls, ['file:///work/guest.xml'], 'the index is asked for the other guests of this document');
	const [first, ...rest] = labels(list);
	assertFreshPair(first, used);
	assert.equal(item(list, first).preselect, true);
	assert.deepEqual(rest, ['s0', 's0-s0:c0.c1023', 's0:c0.c1023']);
	assert.equal(item(list, 's0:c0.c1023').detail, 'SystemHigh');
	assert.equal(replaced(list.cursor, item(list, first)), '');
	// Replacing a level that is there: the whole range is the part under the cursor.
	const existing = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s|0:c5,c6</label></seclabel>"));
	assert.equal(replaced(existing.cursor, existing.items[0]), 's0:c5,c6');
	assert.notEqual(existing.items[0].label, 's0:c5,c6', 'the document\'s own level is used');
});

test('an image label is offered the level of the process label after the fresh pair', () => {
	const list = completionsAt(liveDomain("  <seclabel type='dynamic' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c7,c9</label><imagelabel>system_u:object_r:svirt_image_t:|</imagelabel></seclabel>"));
	assert.equal(labels(list)[1], 's0:c7,c9');
});

test('categories after the last one written, and the closing part of a range', () => {
	const categories = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0:c5,c|</label></seclabel>"));
	const offered = labels(categories);
	assert.equal(offered[0], 'c6');
	// The first MAX_CATEGORY_ITEMS, and the editor asks again as more digits are typed.
	assert.equal(offered.length, MAX_CATEGORY_ITEMS);
	assert.equal(categories.isIncomplete, true);
	assert.equal(replaced(categories.cursor, categories.items[0]), 'c');
	const typed = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0:c5,c10|</label></seclabel>"));
	assert.deepEqual(labels(typed), ['c10', ...Array.from({ length: 10 }, (_, i) => `c10${i}`), ...Array.from({ length: 24 }, (_, i) => `c${1000 + i}`)]);
	assert.equal(typed.isIncomplete, false);
	const high = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0:c2-|</label></seclabel>"));
	assert.deepEqual(labels(high), ['s0:c2', 's0:c0.c1023']);
	assert.equal(item(high, 's0:c0.c1023').detail, 'SystemHigh');
});

test('DAC labels get owners, no SELinux context completion, and text outside seclabels gets nothing', () => {
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='static' model='dac'><label>|</label></seclabel>"))), ['+107:+107', '+64055:+64055', '+0:+0']);
	assert.deepEqual(labels(completionsAt(domain("  <seclabel type='static' model='dac'><label>+107:|</label></seclabel>"))), []);
	assert.deepEqual(labels(completionsAt(domain('').replace('<name>guest</name>', '<name>gu|est</name>'))), []);
	assert.deepEqual(labels(completionsAt('<network><name>|</name></network>')), []);
});

// Its time is a row of `npm run bench` (completion on a 35 KB domain, p95 < 5 ms), not asserted here.
test('completion on a large domain still puts a fresh pair first', () => {
	const disks = Array.from({ length: 200 }, (_, index) => disk('', '', `vd${index}`, `/var/lib/libvirt/images/guest${index}.qcow2`)).join('\n');
	const marked = domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:|</label></seclabel>", disks);
	const { cursor, doc, service } = prepared(marked);
	const position = cursor.document.positionAt(cursor.offset);
	assert.ok(PAIR.test(service.doComplete(cursor.document, position, doc, {}).items[0].label));
});

test('right after the sensitivity\'s colon, the categories of a fresh pair come first, replacing the old ones', () => {
	const list = completionsAt(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0:|c392,c662</label></seclabel>"));
	const [first, second] = labels(list);
	assertFreshPair(`s0:${first}`, new Set(['s0:c392,c662']));
	assert.equal(replaced(list.cursor, item(list, first)), 'c392,c662');
	assert.equal(second, 'c0');
	assert.equal(replaced(list.cursor, item(list, 'c0')), 'c392');
});

test('renaming a finished tag replaces only its name, each valid name once', () => {
	const list = completionsAt(liveDomain("  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <lab|el>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>"));
	assert.deepEqual(labels(list), ['label', 'imagelabel', 'baselabel']);
	assert.equal(replaced(list.cursor, item(list, 'imagelabel')), 'label');
	assert.equal(item(list, 'imagelabel').textEdit!.newText, 'imagelabel');
	const seclabel = completionsAt(domain("  <secl|abel type='dynamic' model='selinux'/>"));
	assert.deepEqual(labels(seclabel), ['seclabel']);
	assert.equal(replaced(seclabel.cursor, seclabel.items[0]), 'seclabel');
});

test('the NVRAM and a data store source offer override snippets from the releases that read them', () => {
	const nvram = domain('', '').replace('</os>', "  <nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/g.fd'>|</source></nvram>\n  </os>");
	assert.deepEqual(labels(completionsAt(nvram, { libvirtVersion: '9.0.0' })), ["seclabel relabel='no'", 'seclabel with label']);
	assert.deepEqual(labels(completionsAt(nvram, { libvirtVersion: '7.0.0' })), []);
	const dataStore = domain('', disk('<dataStore type=\'file\'><format type=\'raw\'/><source file=\'/d.img\'>|</source></dataStore>'));
	assert.deepEqual(labels(completionsAt(dataStore, { libvirtVersion: '11.3.0' })), ["seclabel relabel='no'", 'seclabel with label']);
	assert.deepEqual(labels(completionsAt(dataStore, { libvirtVersion: '9.0.0' })), []);
});

test('character devices: override snippets only in the source of types libvirt labels', () => {
	const file = completionsAt(domain('', "    <serial type='file'>\n      <source path='/var/log/guest.log'>|</source>\n    </serial>"));
	assert.deepEqual(labels(file), ["seclabel relabel='no'", 'seclabel with label']);
	// libvirt drops seclabels of tcp chardevs when it formats the XML (rules reference D4).
	assert.deepEqual(labels(completionsAt(domain('', "    <serial type='tcp'>\n      <source mode='bind' host='0.0.0.0' service='2445'>|</source>\n    </serial>"))), []);
});

test('multi-line snippets follow the document: CRLF line ends and tab indentation, inserted as is', () => {
	const crlf = completionsAt(domain('\t<|').replace(/\n/g, '\r\n').replace(/  /g, '\t'));
	const static_ = item(crlf, 'seclabel static');
	assert.equal(static_.insertTextMode, 1, 'InsertTextMode.asIs: the text is already indented');
	assert.match(static_.textEdit!.newText, /^<seclabel type='static' model='selinux' relabel='\$\{1\|no,yes\|\}'>\r\n\t\t<label>\$\{2:system_u:system_r:svirt_t:s0:c\d+,c\d+\}<\/label>\r\n\t<\/seclabel>\$0$/);
});

test('an empty static <label> offers the whole guest label with a fresh pair first, then the users', () => {
	const used = new Set(['s0:c1,c2']);
	const workspace: WorkspaceContext = { usedLevels: () => used };
	const list = completionsAt(domain("  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>|</label>\n  </seclabel>"), { workspace });
	const [first, second] = labels(list);
	const match = /^system_u:system_r:svirt_t:(s0:c\d+,c\d+)$/.exec(first);
	assert.ok(match, first);
	assertFreshPair(match[1], used);
	assert.equal(second, 'system_u');
	assert.equal(item(list, first).preselect, true);
	const result = accept(list.cursor, item(list, first));
	assert.deepEqual(coded(result), []);
	// Typing the user part keeps the whole label on offer, replacing what is typed.
	const typed = completionsAt(domain("  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>syst|</label>\n  </seclabel>"));
	assert.equal(replaced(typed.cursor, typed.items[0]), 'syst');
	assert.match(typed.items[0].label, /^system_u:system_r:svirt_t:s0:c\d+,c\d+$/);
});

test('a TCG guest is offered svirt_tcg_t first; a baselabel the guest type without a pair', () => {
	const tcg = completionsAt(domain("  <seclabel type='static' model='selinux' relabel='yes'><label>|</label></seclabel>").replace("<domain type='kvm'", "<domain type='qemu'"));
	assert.match(labels(tcg)[0], /^system_u:system_r:svirt_tcg_t:s0:c\d+,c\d+$/);
	assert.match(labels(tcg)[1], /^system_u:system_r:svirt_t:s0:c\d+,c\d+$/);
	const base = completionsAt(domain("  <seclabel type='dynamic' model='selinux'><baselabel>|</baselabel></seclabel>"));
	assert.equal(labels(base)[0], 'system_u:system_r:svirt_t:s0');
});

test("an <imagelabel> and a device <label> get the image context at the guest's own level first", () => {
	const process = "<label>system_u:system_r:svirt_t:s0:c7,c9</label>";
	const image = completionsAt(liveDomain(`  <seclabel type='static' model='selinux' relabel='yes'>${process}<imagelabel>|</imagelabel></seclabel>`));
	assert.equal(labels(image)[0], 'system_u:object_r:svirt_image_t:s0:c7,c9');
	assert.equal(labels(image)[1], 'system_u');
	const device = completionsAt(domain(`  <seclabel type='static' model='selinux' relabel='yes'>${process}</seclabel>`, disk("<seclabel model='selinux'><label>|</label></seclabel>")));
	assert.deepEqual(labels(device).slice(0, 3), ['system_u:object_r:svirt_image_t:s0:c7,c9', 'system_u:object_r:svirt_image_t:s0', 'system_u:object_r:virt_content_t:s0']);
	const accepted = accept(device.cursor, device.items[0]);
	assert.deepEqual(coded(accepted).filter((finding) => finding.code.startsWith('selinux-')), []);
	// A dynamic guest has no level of its own to match: the shared and read-only contexts.
	const dynamic = completionsAt(domain('', disk("<seclabel model='selinux'><label>|</label></seclabel>")));
	assert.deepEqual(labels(dynamic).slice(0, 2), ['system_u:object_r:svirt_image_t:s0', 'system_u:object_r:virt_content_t:s0']);
});

test('a whole DAC owner inserted is a label the DAC rules accept', () => {
	const list = completionsAt(domain("  <seclabel type='static' model='dac' relabel='no'>\n    <label>|</label>\n  </seclabel>"));
	for (const owner of list.items) {
		assert.deepEqual(coded(accept(list.cursor, owner)).filter((finding) => finding.code === 'dac-label-syntax'), [], owner.label);
	}
});
