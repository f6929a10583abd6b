;;; lsp-check.el --- Headless Emacs + eglot as an LSP client of the stdio server -*- lexical-binding: t -*-
;; Emacs 28 with Debian's elpa-eglot 1.9, in batch mode, configured with libvirt-seclabel.el (the
;; configuration the README gives, beside a stand-in for the user's other XML server): opens FILE,
;; which that configuration puts in libvirt-xml-mode, connects eglot to the
;; `libvirt-seclabel-language-server' on PATH, and prints what the client received in the line
;; format test/server/editorCheck.ts reads (MODE, PUBLISH, DIAG, HOVER, COMPLETION, RESULT).
;; eglot 1.9 has no public API for a synchronous request; `eglot--current-server-or-lose' is its
;; internal accessor (stable through 1.9).
;; Usage: PATH=DIR-WITH-THE-BIN:$PATH HOVER_AT=L:C COMPLETE_AT=L:C LABEL_AT=L:C emacs --batch -q -l lsp-check.el FILE OTHER-XML
(require 'eglot)
(require 'flymake)
(setq eglot-sync-connect t
      eglot-autoshutdown t)
;; The user's other XML server, which must keep nxml-mode; then this project's configuration.
(add-to-list 'eglot-server-programs '(nxml-mode . ("other-xml-language-server")))
(load (expand-file-name "libvirt-seclabel.el" (file-name-directory load-file-name)) nil t)
;; eglot-ensure connects from a hook after the command loop; batch mode connects by hand below.
(remove-hook 'libvirt-xml-mode-hook #'eglot-ensure)

(defun lsp-check--out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun lsp-check--one-line (text)
  (replace-regexp-in-string "\n" "\\\\n" (or text "")))

(defun lsp-check--position (variable)
  "The LSP position in the environment VARIABLE, `LINE:CHARACTER' (0-based)."
  (let ((parts (split-string (getenv variable) ":")))
    (list :textDocument (eglot--TextDocumentIdentifier)
          :position (list :line (string-to-number (car parts)) :character (string-to-number (cadr parts))))))

;; Prints the completion items at the position in VARIABLE as `TAG\tformat\tlabel\tdoc kind\tnewText'.
(defun lsp-check--complete (server tag variable)
  (let* ((completion (jsonrpc-request server :textDocument/completion (lsp-check--position variable)))
         (items (if (vectorp completion) completion (plist-get completion :items))))
    (seq-doseq (item items)
      (let ((documentation (plist-get item :documentation)))
        (lsp-check--out "%s\t%s\t%s\t%s\t%s" tag (or (plist-get item :insertTextFormat) 1) (plist-get item :label)
                        (if (stringp documentation) "string" (plist-get documentation :kind))
                        (lsp-check--one-line (plist-get (plist-get item :textEdit) :newText)))))))

;; Every publication the server sends, before eglot hands it to flymake.
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (lsp-check--out "PUBLISH %s %d" (or (plist-get params :version) "none")
                                (length (plist-get params :diagnostics))))))

(let* ((file (expand-file-name (car command-line-args-left)))
       (other (expand-file-name (cadr command-line-args-left)))
       (quiet (string-to-number (or (getenv "QUIET_S") "2")))
       diags)
  (setq command-line-args-left nil)
  ;; Another XML file stays in nxml-mode, with the other server.
  (with-current-buffer (find-file-noselect other)
    (lsp-check--out "MODE other %s %s" major-mode (car (nth 3 (eglot--guess-contact)))))
  (find-file file)
  (lsp-check--out "MODE domain %s %s" major-mode (car (nth 3 (eglot--guess-contact))))
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
    (lsp-check--complete server "COMPLETION" "COMPLETE_AT")
    (lsp-check--complete server "LABEL" "LABEL_AT"))
  (lsp-check--out "RESULT %d" (length diags))
  (ignore-errors (eglot-shutdown (eglot--current-server-or-lose)))
  (kill-emacs (if diags 0 1)))
