/**
 * The rule catalogue, in documentation order: libvirt's parser rules first (as its parser meets
 * them), then the QEMU driver's define-time checks, then what libvirt silently ignores.
 */
import type { Rule } from './rule';
import { rule as xmlNotWellFormed } from './xml-not-well-formed';
import { rule as notADomain } from './not-a-domain';
import { rule as documentTooLarge } from './document-too-large';
import { rule as domainNameMissing } from './domain-name-missing';
import { rule as rootPrefixUnbound } from './root-prefix-unbound';
import { rule as seclabelTypeInvalid } from './seclabel-type-invalid';
import { rule as relabelInvalid } from './relabel-invalid';
import { rule as dynamicRelabelNo } from './dynamic-relabel-no';
import { rule as noneRelabelYes } from './none-relabel-yes';
import { rule as modelNoneType } from './model-none-type';
import { rule as labelMissing } from './label-missing';
import { rule as imagelabelMissing } from './imagelabel-missing';
import { rule as duplicateModel } from './duplicate-model';
import { rule as modelMissing } from './model-missing';
import { rule as modelMissingMultiple } from './model-missing-multiple';
import { rule as chardevTypeInvalid } from './chardev-type-invalid';
import { rule as diskProtocolRemoved } from './disk-protocol-removed';
import { rule as diskLunInvalid } from './disk-lun-invalid';
import { rule as chardevSpicevmcTarget } from './chardev-spicevmc-target';
import { rule as redirdevUsbDisabled } from './redirdev-usb-disabled';
import { rule as chardevSourceCount } from './chardev-source-count';
import { rule as storageSourceInvalid } from './storage-source-invalid';
import { rule as chardevSourcePathMissing } from './chardev-source-path-missing';
import { rule as chardevSourceAttributeMissing } from './chardev-source-attribute-missing';
import { rule as diskSourceMissing } from './disk-source-missing';
import { rule as dataStoreInvalid } from './data-store-invalid';
import { rule as consoleSerialNotFirst } from './console-serial-not-first';
import { rule as deviceDuplicateModel } from './device-duplicate-model';
import { rule as labelskipInvalid } from './labelskip-invalid';
import { rule as deviceLabelRelabelNo } from './device-label-relabel-no';
import { rule as deviceRelabelWithoutLabel } from './device-relabel-without-label';
import { rule as deviceOverrideNeedsRelabel } from './device-override-needs-relabel';
import { rule as vhostuserDiskFlags } from './vhostuser-disk-flags';
import { rule as vhostuserDiskUnsupported } from './vhostuser-disk-unsupported';
import { rule as chardevUdpSourceSeclabel } from './chardev-udp-source-seclabel';
import { rule as shareableNonRaw } from './shareable-non-raw';
import { rule as readonlyIdeDisk } from './readonly-ide-disk';
import { rule as typeMissing } from './type-missing';
import { rule as labelIgnored } from './label-ignored';
import { rule as imagelabelIgnored } from './imagelabel-ignored';
import { rule as baselabelIgnored } from './baselabel-ignored';
import { rule as modelTooLong } from './model-too-long';
import { rule as deviceModelMissing } from './device-model-missing';
import { rule as deviceSeclabelNoOp } from './device-seclabel-no-op';
import { rule as labelskipIgnored } from './labelskip-ignored';
import { rule as chardevSeclabelDropped } from './chardev-seclabel-dropped';
import { rule as seclabelUnusedStorage } from './seclabel-unused-storage';
import { rule as seclabelMisplaced } from './seclabel-misplaced';
import { rule as seclabelUnknownAttribute } from './seclabel-unknown-attribute';
import { rule as dtdDeclarationIgnored } from './dtd-declaration-ignored';

export const coreRules: readonly Rule[] = [
	xmlNotWellFormed,
	notADomain,
	documentTooLarge,
	rootPrefixUnbound,
	domainNameMissing,
	seclabelTypeInvalid,
	relabelInvalid,
	dynamicRelabelNo,
	noneRelabelYes,
	modelNoneType,
	labelMissing,
	imagelabelMissing,
	duplicateModel,
	modelMissing,
	modelMissingMultiple,
	chardevTypeInvalid,
	chardevSourceCount,
	chardevSpicevmcTarget,
	storageSourceInvalid,
	chardevSourcePathMissing,
	chardevSourceAttributeMissing,
	diskSourceMissing,
	diskLunInvalid,
	diskProtocolRemoved,
	dataStoreInvalid,
	redirdevUsbDisabled,
	consoleSerialNotFirst,
	deviceDuplicateModel,
	labelskipInvalid,
	deviceLabelRelabelNo,
	deviceRelabelWithoutLabel,
	deviceOverrideNeedsRelabel,
	vhostuserDiskFlags,
	vhostuserDiskUnsupported,
	chardevUdpSourceSeclabel,
	shareableNonRaw,
	readonlyIdeDisk,
	typeMissing,
	labelIgnored,
	imagelabelIgnored,
	baselabelIgnored,
	modelTooLong,
	deviceModelMissing,
	deviceSeclabelNoOp,
	labelskipIgnored,
	chardevSeclabelDropped,
	seclabelUnusedStorage,
	seclabelMisplaced,
	seclabelUnknownAttribute,
	dtdDeclarationIgnored,
];
