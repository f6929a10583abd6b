/**
 * Issue #12: the CLI parses each file exactly once, whatever it does with it (the index for the
 * cross-guest rules, the rules, --read-image-labels, a fragment's attach-to directive). The parser
 * is watched where every caller reaches it: a wrapper around xmlParser's exported parseXml, which
 * the compiled modules look up on each call, counts the texts it parses (and still parses them).
 * A fragment is also checked inside its guest: that composed text is the one parse beyond the files.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as xmlParser from '../../server/src/service/parser/xmlParser';
import { main, type JsonReport } from '../../server/src/cli/lint';
import { fileDisk, guestXml, staticLabel } from '../workspace/guests';

/** Runs `body` with parseXml counting what it parses; returns the texts in call order. */
async function countingParses(body: () => Promise<void>): Promise<string[]> {
	const exports = xmlParser as { parseXml: typeof xmlParser.parseXml };
	const original = exports.parseXml;
	const parsed: string[] = [];
	exports.parseXml = (text, limits) => {
		parsed.push(text);
		return original(text, limits);
	};
	try {
		await body();
	} finally {
		exports.parseXml = original;
	}
	return parsed;
}

async function lintJson(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const code = await main(['--format', 'json', ...args], (s) => { stdout += s; }, (s) => { stderr += s; }, '0.0.0');
	return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

function fleet(): { dir: string; guests: Record<string, string>; image: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-parse-once-'));
	const image = path.join(dir, 'shared.img');
	fs.writeFileSync(image, '');
	const guests: Record<string, string> = {};
	for (let i = 0; i < 6; i++) {
		// Two guests write the same image without <shareable/>: a cross-guest finding needs the index.
		guests[`guest-${i}.xml`] = guestXml(`vm${i}`, {
			disks: [fileDisk(i < 2 ? image : path.join(dir, `own-${i}.img`))],
			seclabel: staticLabel(`s0:c${10 + i},c${20 + i}`),
		});
	}
	guests['attach.xml'] = `<!-- libvirt-seclabel: attach-to vm3 -->\n<disk type='file' device='disk'>\n  <source file='${path.join(dir, 'hot.img')}'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n`;
	for (const [name, text] of Object.entries(guests)) {
		fs.writeFileSync(path.join(dir, name), text);
	}
	// XML that is not a domain is looked at (its root element), never parsed.
	fs.writeFileSync(path.join(dir, 'network.xml'), "<network>\n  <name>default</name>\n</network>\n");
	return { dir, guests, image };
}

/**
 * Checks that each file's text was parsed exactly once, and that the only other text is the guest
 * vm3 with the fragment placed in its <devices> (how a fragment is checked: attachTarget.ts).
 */
function assertOncePerFile(parsed: readonly string[], guests: Record<string, string>): void {
	const files = new Set(Object.values(guests));
	assert.deepEqual(parsed.filter((text) => files.has(text)).sort(), [...files].sort(), 'each domain and fragment once');
	const others = parsed.filter((text) => !files.has(text));
	assert.equal(others.length, 1, `${others.length} other texts parsed`);
	assert.ok(others[0].includes('<name>vm3</name>') && others[0].includes('hot.img'), others[0]);
}

test('a directory of guests, a fragment and a network: each domain and fragment is parsed once, the network never', async () => {
	const { dir, guests } = fleet();
	let result: Awaited<ReturnType<typeof lintJson>> | undefined;
	const parsed = await countingParses(async () => {
		result = await lintJson([dir]);
	});
	assert.ok(result);
	assertOncePerFile(parsed, guests);
	// The one parse was enough for everything the run reports: the index saw both writers of the image.
	const codes = (name: string) => result!.report.files.find((file) => file.path === path.join(dir, name))?.diagnostics.map((d) => d.code) ?? [];
	assert.ok(codes('guest-0.xml').includes('shared-image-not-shareable'), JSON.stringify(result.report));
	assert.ok(codes('guest-1.xml').includes('shared-image-not-shareable'));
	assert.ok(!codes('guest-2.xml').includes('shared-image-not-shareable'));
});

test('--read-image-labels takes the images from the parse the run already made', async () => {
	const { dir, guests } = fleet();
	let result: Awaited<ReturnType<typeof lintJson>> | undefined;
	const parsed = await countingParses(async () => {
		result = await lintJson(['--read-image-labels', dir]);
	});
	assert.equal(result?.stderr, '');
	assertOncePerFile(parsed, guests);
});

test('an --attach-to file outside the checked files is read and parsed once for the run', async () => {
	const { dir } = fleet();
	const target = path.join(os.tmpdir(), `seclabel-parse-once-target-${process.pid}.xml`);
	const targetText = guestXml('target', { disks: [fileDisk('/var/lib/libvirt/images/t.img')], seclabel: staticLabel('s0:c1,c2') });
	fs.writeFileSync(target, targetText);
	const fragment = path.join(dir, 'attach.xml');
	let result: Awaited<ReturnType<typeof lintJson>> | undefined;
	const parsed = await countingParses(async () => {
		result = await lintJson(['--attach-to', target, fragment]);
	});
	assert.equal(result?.stderr, '');
	// The fragment once, the guest once; the third text is the guest with the fragment in its <devices>.
	const fragmentText = fs.readFileSync(fragment, 'utf8');
	assert.equal(parsed.filter((text) => text === fragmentText).length, 1);
	assert.equal(parsed.filter((text) => text === targetText).length, 1, 'the target guest is parsed once');
	assert.equal(parsed.length, 3, `${parsed.length} parses`);
});
