/**
 * Growth: each shape that once made the checks quadratic (issue #13, item 2), run at n and 4n in
 * this one process, and the time ratio asserted to stay near linear. A quadratic path gives about
 * 16 at 4n; linear gives about 4. The bound is 8, and each size is the best of three runs, so the
 * load of other processes on the machine does not decide the verdict. No absolute time is asserted.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import { fileDisk, guestXml, staticLabel } from './guests';

const MAX_RATIO = 8;

/** Index every file, then check every file against the others, as the CLI does; returns the number of findings. */
function checkWorkspace(files: readonly string[]): number {
	const index = new WorkspaceIndex();
	const docs = files.map((text, i) => {
		const doc = parseSeclabelText(text);
		index.update(`file:///g/${i}.xml`, doc, '', { affected: false });
		return doc;
	});
	let count = 0;
	docs.forEach((doc, i) => {
		for (const finding of computeFindings(doc, { workspace: index, documentUri: `file:///g/${i}.xml` })) {
			count++;
			// Fixes are part of the cost: each one used to scan the whole text.
			void finding.fixes?.length;
		}
	});
	return count;
}

function bestOf3(run: () => void): number {
	let best = Infinity;
	for (let i = 0; i < 3; i++) {
		const start = process.hrtime.bigint();
		run();
		best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
	}
	return best;
}

/** Asserts that the shape at 4n costs less than MAX_RATIO times the shape at n. */
function assertNearLinear(name: string, n: number, make: (n: number) => readonly string[], check: (findings: number, n: number) => void): void {
	const small = make(n);
	const large = make(4 * n);
	// A warm-up run, so the first measured size does not pay for the JIT.
	checkWorkspace(make(Math.max(1, n >> 2)));
	let found = 0;
	const t1 = bestOf3(() => { found = checkWorkspace(small); });
	check(found, n);
	const t4 = bestOf3(() => { found = checkWorkspace(large); });
	check(found, 4 * n);
	const ratio = t4 / t1;
	assert.ok(ratio < MAX_RATIO, `${name}: ${n} took ${t1.toFixed(1)} ms, ${4 * n} took ${t4.toFixed(1)} ms: ratio ${ratio.toFixed(1)} ≥ ${MAX_RATIO}, which is quadratic`);
}

function disksOnOneImage(n: number, separator: string): string {
	const disks: string[] = [];
	for (let i = 0; i < n; i++) {
		disks.push(fileDisk('/images/shared.img', { target: `vd${i}` }));
	}
	return guestXml('many', { disks }).replace(/\n/g, separator);
}

test('growth: disks sharing one image inside one document, and with a second guest', () => {
	assertNearLinear('one document', 2500, (n) => [disksOnOneImage(n, '\n')], (found) => assert.equal(found, 0));
	// With another guest writing the image, every disk gets a finding and a fix that inserts <shareable/>.
	assertNearLinear('two guests', 1000, (n) => [disksOnOneImage(n, '\n'), guestXml('other', { disks: [fileDisk('/images/shared.img')] })],
		(found, n) => assert.ok(found >= Math.min(n, 500), `${found} findings for ${n} shared disks`));
	// The same on one line: finding a line's indentation must not scan back to the start of the text.
	assertNearLinear('one line', 1000, (n) => [disksOnOneImage(n, ' '), guestXml('other', { disks: [fileDisk('/images/shared.img')] })],
		(found, n) => assert.ok(found >= Math.min(n, 500), `${found} findings for ${n} shared disks on one line`));
});

test('growth: dynamic seclabels with relabel=\'no\', each with fixes', () => {
	const make = (n: number) => {
		const labels: string[] = [];
		for (let i = 0; i < n; i++) {
			labels.push(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
			labels.push(`  <seclabel type='dynamic' model='dac' relabel='no'/>`);
		}
		return [guestXml('labels', { seclabel: labels.join('\n') })];
	};
	assertNearLinear('relabel=no', 2500, make, (found) => assert.ok(found > 0));
});

test('growth: many guests sharing one writable image across files', () => {
	const make = (n: number) => {
		const files: string[] = [];
		for (let i = 0; i < n; i++) {
			files.push(guestXml(`g${i}`, { disks: [fileDisk('/images/shared.img')], seclabel: staticLabel(`s0:c${i % 1000},c${1000 + (i % 23)}`) }));
		}
		return files;
	};
	assertNearLinear('shared writable image', 500, make, (found, n) => assert.ok(found >= n, `${found} findings for ${n} guests`));
});

test('growth: many guests sharing only a read-only ISO (no finding at all), and many guests at one level', () => {
	const iso = (n: number) => {
		const files: string[] = [];
		for (let i = 0; i < n; i++) {
			files.push(guestXml(`g${i}`, { disks: [fileDisk('/images/install.iso', { device: 'cdrom', readonly: true })] }));
		}
		return files;
	};
	assertNearLinear('read-only ISO', 1000, iso, (found) => assert.equal(found, 0));
	const oneLevel = (n: number) => {
		const files: string[] = [];
		for (let i = 0; i < n; i++) {
			files.push(guestXml(`g${i}`, { disks: [fileDisk(`/images/g${i}.img`)], seclabel: staticLabel('s0:c1,c2') }));
		}
		return files;
	};
	assertNearLinear('one level', 500, oneLevel, (found, n) => assert.ok(found >= n, `${found} findings for ${n} guests at one level`));
});
