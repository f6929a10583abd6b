import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'not-a-domain';
const CLI = { reportNonDomain: true };

test('not-a-domain reports an empty file the command line was given', () => {
	assert.deepEqual(codedFor(RULE, '', CLI), [{ code: RULE, text: '', stage: 'define' }]);
	assert.equal(findings('', CLI)[0].message, 'The file is empty: there is no domain to define.');
	assert.deepEqual(codedFor(RULE, '\n  \n', CLI), [{ code: RULE, text: '', stage: 'define' }]);
});

test('not-a-domain reports text that is not XML, where the parser gave up', () => {
	assert.deepEqual(codedFor(RULE, 'hello', CLI), [{ code: RULE, text: 'hello', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, '<?xml version="1.0"?>\n', CLI), [{ code: RULE, text: '<', stage: 'define' }]);
	assert.equal(findings('hello', CLI)[0].severity, 'error');
});

test('not-a-domain stays silent in the editor, for other libvirt XML, and for domains', () => {
	// The editor never sets reportNonDomain: a new, empty XML file is normal there.
	assert.deepEqual(codedFor(RULE, ''), []);
	assert.deepEqual(codedFor(RULE, 'hello'), []);
	assert.deepEqual(codedFor(RULE, "<network>\n  <name>default</name>\n</network>\n", CLI), []);
	assert.deepEqual(codedFor(RULE, domain(''), CLI), []);
});

test('not-a-domain honours the off switch and a severity override', () => {
	assert.deepEqual(codedFor(RULE, '', { ...CLI, rules: { [RULE]: 'off' } }), []);
	assert.deepEqual(findings('', { ...CLI, rules: { [RULE]: 'hint' } }).map((f) => f.severity), ['hint']);
});
