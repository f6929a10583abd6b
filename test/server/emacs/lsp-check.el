;;; lsp-check.el --- Headless Emacs + eglot as an LSP client of the stdio server -*- lexical-binding: t -*-
;; Emacs 28 with Debian's elpa-eglot 1.9, in batch mode: opens FILE in nxml-mode, connects eglot to
;; `node $SERVER --stdio', and prints what the client received in the line format
;; test/server/editorCheck.ts reads (PUBLISH, DIAG, HOVER, COMPLETION, RESULT).
;; eglot 1.9 has no public API for a synchronous request; `eglot--current-server-or-lose' is its
;; internal accessor (stable through 1.9).
;; Usage: SERVER=dist/server.js HOVER_AT=L:C COMPLETE_AT=L:C emacs --batch -Q -l lsp-check.el FILE
(require 'eglot)
(require 'flymake)
(setq eglot-sync-connect t
      eglot-autoshutdown t)
(add-to-list 'eglot-server-programs `(nxml-mode . ("node" ,(getenv "SERVER") "--stdio")))

(defun lsp-check--out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun lsp-check--one-line (text)
  (replace-regexp-in-string "\n" "\\\\n" (or text "")))

(defun lsp-check--position (variable)
  "The LSP position in the environment VARIABLE, `LINE:CHARACTER' (0-based)."
  (let ((parts (split-string (getenv variable) ":")))
    (list :textDocument (eglot--TextDocumentIdentifier)
          :position (list :line (string-to-number (car parts)) :character (string-to-number (cadr parts))))))

;; Every publication the server sends, before eglot hands it to flymake.
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (lsp-check--out "PUBLISH %s %d" (or (plist-get params :version) "none")
                                (length (plist-get params :diagnostics))))))

(let* ((file (expand-file-name (car command-line-args-left)))
       (quiet (string-to-number (or (getenv "QUIET_S") "2")))
       diags)
  (setq command-line-args-left nil)
  (find-file file)
  (apply #'eglot (eglot--guess-contact))
  (flymake-start)
  (let ((deadline (+ (float-time) 20)))
    (while (and (null (setq diags (flymake-diagnostics))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start)))
  ;; Whatever the server publishes a little later (a second round) is counted too.
  (let ((until (+ (float-time) quiet)))
    (while (< (float-time) until) (accept-process-output nil 0.05)))
  (dolist (d (flymake-diagnostics))
    (save-excursion
      (goto-char (flymake-diagnostic-beg d))
      (lsp-check--out "DIAG %d:%d %s" (line-number-at-pos) (1+ (current-column))
                      (lsp-check--one-line (flymake-diagnostic-text d)))))
  (let* ((server (eglot--current-server-or-lose))
         (hover (jsonrpc-request server :textDocument/hover (lsp-check--position "HOVER_AT")))
         (contents (plist-get hover :contents)))
    (lsp-check--out "HOVER %s %s" (plist-get contents :kind) (lsp-check--one-line (plist-get contents :value)))
    (let* ((completion (jsonrpc-request server :textDocument/completion (lsp-check--position "COMPLETE_AT")))
           (items (if (vectorp completion) completion (plist-get completion :items))))
      (seq-doseq (item items)
        (let ((documentation (plist-get item :documentation)))
          (lsp-check--out "COMPLETION\t%s\t%s\t%s\t%s" (or (plist-get item :insertTextFormat) 1) (plist-get item :label)
                          (if (stringp documentation) "string" (plist-get documentation :kind))
                          (lsp-check--one-line (plist-get (plist-get item :textEdit) :newText)))))))
  (lsp-check--out "RESULT %d" (length diags))
  (ignore-errors (eglot-shutdown (eglot--current-server-or-lose)))
  (kill-emacs (if diags 0 1)))
