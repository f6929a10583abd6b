/**
 * Entry point of the `libvirt-seclabel-lint` bin: the process edges. A reader that goes away
 * (`| head -1`, EPIPE) ends the run quietly with its status; output that cannot be written
 * (`> /dev/full`) ends it with one line on stderr and status 2, never a stack trace.
 */
import * as fs from 'fs';
import { main } from './lint';
import { describeFsError, rawArguments } from './files';

const version: string = require('../../../package.json').version;
const argv = process.argv.slice(2);

let status: number | undefined;
let stdoutGone = false;

function say(line: string): void {
	try {
		fs.writeSync(2, line);
	} catch {
		// stderr is gone too: nothing is left to tell.
	}
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') {
		stdoutGone = true;
		if (status !== undefined) {
			process.exit(status);
		}
		return;
	}
	say(`libvirt-seclabel-lint: cannot write the output: ${describeWriteError(error)}\n`);
	process.exit(2);
});
process.stderr.on('error', () => undefined);

function describeWriteError(error: NodeJS.ErrnoException): string {
	switch (error.code) {
		case 'ENOSPC': return 'no space left on device';
		case 'EDQUOT': return 'disk quota exceeded';
		case 'EBADF': return 'standard output is closed';
		case 'EFBIG': return 'file too large';
		default: return describeFsError(error);
	}
}

main(argv, (s) => { if (!stdoutGone) process.stdout.write(s); }, (s) => { process.stderr.write(s); }, version, { rawArgv: rawArguments(argv) }).then(
	(code) => {
		status = code;
		process.exitCode = code;
		if (stdoutGone) {
			process.exit(code);
		}
	},
	(error) => {
		say(`libvirt-seclabel-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
		status = 2;
		process.exitCode = 2;
	},
);
