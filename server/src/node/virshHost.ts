/**
 * Reads the guests of a live libvirt host through `virsh -c URI`, only when the user asked for it
 * (`--connect`, `libvirtSeclabel.connect`). virsh runs with a fixed argument list (never a shell)
 * and a timeout; its own command language runs several commands per process (`cmd1; cmd2`), which
 * keeps a host of hundreds of guests to a few processes instead of two per guest. Names go in
 * backslash-escaped, so that no guest name can become a second command.
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';

export interface HostGuest {
	readonly name: string;
	readonly running: boolean;
	/** `virsh dumpxml --inactive NAME`: the definition the guest starts from next time. */
	readonly inactiveXml?: string;
	/** `virsh dumpxml NAME` of a running guest: with the labels libvirt generated for it. */
	readonly liveXml?: string;
}

export interface VirshHostOptions {
	/** The virsh binary (default `virsh` on PATH). */
	readonly virsh?: string;
	/** Per virsh process, in milliseconds (default 30 s). */
	readonly timeoutMs?: number;
	/** Guests per virsh process (default 50). */
	readonly batch?: number;
}

export class VirshError extends Error {}

/** The source name the CLI and the editor show for a guest's XML read from a host. */
export function hostGuestUri(uri: string, name: string, live: boolean): string {
	return `virsh -c ${uri} dumpxml ${live ? '' : '--inactive '}${name}`;
}

/** Escapes a word for virsh's command parser (vshCommandStringGetArg): a backslash before every character that is not plainly safe. */
function virshWord(word: string): string {
	return word.replace(/[^A-Za-z0-9_.+:@%=/-]/g, (character) => `\\${character}`);
}

function runVirsh(uri: string, commands: string, options: VirshHostOptions): Promise<{ stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		execFile(options.virsh ?? 'virsh', ['-q', '-c', uri, commands], {
			timeout: options.timeoutMs ?? 30000,
			maxBuffer: 512 * 1024 * 1024,
			env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
			windowsHide: true,
		}, (error, stdout, stderr) => {
			if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
				reject(new VirshError(`cannot run virsh (install libvirt-clients): ${error.message}`));
			} else if (error && (error as { killed?: boolean }).killed) {
				reject(new VirshError(`virsh -c ${uri} did not answer within ${Math.round((options.timeoutMs ?? 30000) / 1000)} s`));
			} else if (error && stdout === '') {
				reject(new VirshError(`virsh -c ${uri}: ${(stderr.trim().split('\n').pop() ?? error.message).replace(/^error: /, '')}`));
			} else {
				resolve({ stdout, stderr });
			}
		});
	});
}

/**
 * Splits virsh output at the markers into the outputs of the commands between them. virsh's
 * `echo` ends its line only in interactive-looking modes, so the marker may run into the next output.
 */
function splitAt(stdout: string, marker: string): string[] {
	return stdout.split(marker).map((part) => part.replace(/^\n+/, ''));
}

/** Every guest of the host, with its inactive XML and, when it runs, its live XML. */
export async function readVirshHost(uri: string, options: VirshHostOptions = {}): Promise<HostGuest[]> {
	const marker = `@@libvirt-seclabel-${randomBytes(8).toString('hex')}`;
	const listing = await runVirsh(uri, `list --all --name; echo ${marker}; list --state-running --name; echo ${marker}`, options);
	const [all, running] = splitAt(listing.stdout, marker);
	if (running === undefined) {
		throw new VirshError(`virsh -c ${uri}: unexpected output of 'list': ${listing.stderr.trim() || listing.stdout.slice(0, 200)}`);
	}
	const names = all.split('\n').map((line) => line.trim()).filter((line) => line !== '');
	const runningNames = new Set(running.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
	const guests: HostGuest[] = [];
	const batch = Math.max(1, options.batch ?? 50);
	for (let i = 0; i < names.length; i += batch) {
		const slice = names.slice(i, i + batch);
		const commands: string[] = [];
		for (const name of slice) {
			commands.push(`dumpxml --inactive --domain ${virshWord(name)}`, `echo ${marker}`);
			if (runningNames.has(name)) {
				commands.push(`dumpxml --domain ${virshWord(name)}`, `echo ${marker}`);
			}
		}
		const { stdout } = await runVirsh(uri, commands.join('; '), options);
		const parts = splitAt(stdout, marker);
		let at = 0;
		for (const name of slice) {
			const inactive = parts[at++];
			const live = runningNames.has(name) ? parts[at++] : undefined;
			guests.push({
				name,
				running: runningNames.has(name),
				// A guest undefined between the listing and its dump prints nothing: leave it out.
				inactiveXml: inactive?.trim() ? inactive : undefined,
				liveXml: live?.trim() ? live : undefined,
			});
		}
	}
	return guests.filter((guest) => guest.inactiveXml !== undefined || guest.liveXml !== undefined);
}
