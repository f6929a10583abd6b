import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { domain } from '../support/fixture';
import { hoverAt, hoverText } from '../support/cursor';
import type { LanguageSettings } from '../../server/src/service/types';

const SECLABEL = domain("  <seclabel| type='dynamic' model='selinux'/>");

function text(settings: LanguageSettings): string {
	return hoverText(hoverAt(SECLABEL, settings).hover);
}

test('the hover of a domain seclabel names the default target when no version is set', () => {
	assert.match(text({}), /\*Rules of libvirt 12\.9\.0\*, the default target \(set `libvirtSeclabel\.libvirtVersion`/);
});

test('the hover names a version from the setting', () => {
	assert.match(text({ libvirtVersion: '9.0.0' }), /\*Rules of libvirt 9\.0\.0\* \(setting `libvirtSeclabel\.libvirtVersion`\)/);
	assert.match(text({ libvirtVersion: '9.0.0', libvirtVersionSource: 'setting' }), /\*Rules of libvirt 9\.0\.0\* \(setting/);
});

test('the hover names a version from auto, and says when virsh did not answer', () => {
	assert.match(text({ libvirtVersion: '11.3.0', libvirtVersionSource: 'auto' }), /\*Rules of libvirt 11\.3\.0\*, the local `virsh --version`/);
	assert.match(text({ libvirtVersionSource: 'auto-unavailable' }), /\*Rules of libvirt 12\.9\.0\*, the default target: `auto` is set but `virsh --version` did not answer/);
});
