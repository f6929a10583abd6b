import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	compareVersions, KNOWN_VERSIONS, NEWEST_VERSION, OLDEST_VERSION, ORACLE_VERSIONS, parseVersion, since, targetVersion, VERSION_CHANGES,
	XML_PROP_PARSING, TYPELESS_IS_DYNAMIC,
} from '../../server/src/service/version';
import { labelLimit, modelLimit, typelessType } from '../../server/src/service/rules/semantics';

const v = (text: string) => parseVersion(text)!;

test('the default target is the newest oracle version, and the known versions run from 7.0.0 to it in order', () => {
	assert.equal(NEWEST_VERSION, ORACLE_VERSIONS[ORACLE_VERSIONS.length - 1]);
	assert.equal(OLDEST_VERSION, ORACLE_VERSIONS[0]);
	assert.equal(KNOWN_VERSIONS[0], OLDEST_VERSION);
	assert.equal(KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1], NEWEST_VERSION);
	for (let i = 1; i < KNOWN_VERSIONS.length; i++) {
		assert.ok(compareVersions(v(KNOWN_VERSIONS[i - 1]), v(KNOWN_VERSIONS[i])) < 0, `${KNOWN_VERSIONS[i - 1]} before ${KNOWN_VERSIONS[i]}`);
	}
	assert.equal(targetVersion(undefined).text, NEWEST_VERSION);
	assert.equal(targetVersion('auto').text, NEWEST_VERSION);
	assert.equal(targetVersion('9.5').text, '9.5.0');
});

test('every boundary lies inside the range its oracles prove, and names its evidence', () => {
	for (const change of VERSION_CHANGES) {
		const [after, before] = change.range;
		assert.ok(ORACLE_VERSIONS.includes(after as never) && ORACLE_VERSIONS.includes(before as never), `${change.since}: the range is two oracle versions`);
		assert.ok(compareVersions(v(after), v(change.since)) < 0 && compareVersions(v(change.since), v(before)) <= 0, `${change.since} lies in (${after}, ${before}]`);
		assert.ok(!since(v(after), change) && since(v(before), change), `${change.what}: the older oracle lacks it, the newer has it`);
		assert.ok(change.evidence.length > 20 && change.what.length > 10);
	}
});

test('the limits and the meaning of a missing type follow their boundaries', () => {
	assert.equal(XML_PROP_PARSING.since, '8.0.0');
	assert.deepEqual(['7.0.0', '7.9.9', '8.0.0', '9.0.0'].map((text) => [labelLimit(v(text)), modelLimit(v(text))]), [[4095, 255], [4095, 255], [4096, 256], [4096, 256]]);
	assert.equal(TYPELESS_IS_DYNAMIC.since, '12.0.0');
	assert.deepEqual(['7.0.0', '8.0.0', '11.3.0', '11.99.0', '12.0.0', '12.9.0'].map((text) => typelessType(v(text))), ['dynamic', 'default', 'default', 'default', 'dynamic', 'dynamic']);
	assert.equal(typelessType(), 'dynamic', 'the default target reads a missing type as dynamic');
});
