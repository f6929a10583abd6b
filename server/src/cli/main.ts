/** Entry point of the `libvirt-seclabel-lint` bin. */
import { main } from './lint';

const version: string = require('../../../package.json').version;
main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s), version).then(
	(code) => { process.exitCode = code; },
	(error) => {
		process.stderr.write(`libvirt-seclabel-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exitCode = 2;
	},
);
