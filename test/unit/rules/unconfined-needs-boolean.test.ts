import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, findings } from '../../support/fixture';
import { dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'unconfined-needs-boolean';

test('unconfined-needs-boolean flags unconfined_t guests with the setsebool command', () => {
	const xml = staticGuest('system_u:system_r:unconfined_t:s0:c11,c22');
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'unconfined_t', stage: 'advice' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)?.message ?? '', /setsebool -P virt_transition_userdomain on/);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)?.severity, 'warning');
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:unconfined_t:s0')).map((f) => f.text), ['unconfined_t']);
});

test('unconfined-needs-boolean stays silent for confined guests', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c11,c22')), []);
});
