/**
 * The completion and hover capabilities real editors declare in `initialize`, as their sources
 * on Debian 12 write them (the editor tests in test/server check the editors themselves):
 * Emacs 28 + eglot 1.9 (/usr/share/emacs/site-lisp/elpa-src/eglot-1.9/eglot.el, without yasnippet
 * and markdown-mode) and Neovim 0.7 (/usr/share/nvim/runtime/lua/vim/lsp/protocol.lua).
 */
import type { ClientCapabilities } from '../../server/src/service/types';

/**
 * snippetSupport false without yasnippet; hover plain text only without markdown-mode; no
 * documentationFormat; no related information and no codeDescription links (flymake shows neither).
 */
export const EGLOT_1_9: ClientCapabilities = {
	textDocument: {
		completion: { completionItem: { snippetSupport: false } },
		hover: { contentFormat: ['plaintext'] },
		publishDiagnostics: { relatedInformation: false, codeDescriptionSupport: false },
	},
};

/** Markdown first everywhere, but no snippets and no preselection. */
export const NEOVIM_0_7: ClientCapabilities = {
	textDocument: {
		completion: { completionItem: { snippetSupport: false, preselectSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
		hover: { contentFormat: ['markdown', 'plaintext'] },
		publishDiagnostics: { relatedInformation: true },
	},
};
