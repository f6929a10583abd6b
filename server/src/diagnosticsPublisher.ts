/**
 * One publishDiagnostics per document version: validation runs again after configuration rounds,
 * `initialized`, the workspace index filling in or another guest changing, and most of those runs
 * find what the last one found. A client shown the same version's same diagnostics twice redraws
 * (Emacs flickers, and its tests see two publications), so a result is sent only when the version
 * or the diagnostics differ from what this document last got.
 */
import type { Diagnostic } from 'vscode-languageserver/node';

export class DiagnosticsPublisher {
	private readonly last = new Map<string, { version: number; key: string }>();

	/** True when `diagnostics` for this version are news to the client; records them as sent. */
	claim(uri: string, version: number, diagnostics: readonly Diagnostic[]): boolean {
		const key = JSON.stringify(diagnostics);
		const last = this.last.get(uri);
		if (last && last.version === version && last.key === key) {
			return false;
		}
		this.last.set(uri, { version, key });
		return true;
	}

	/** The document was closed: its next opening publishes afresh. */
	forget(uri: string): void {
		this.last.delete(uri);
	}
}
