;;; tmp-root.el --- eglot on the file `virsh edit' writes to /tmp -*- lexical-binding: t -*-
;; Emacs 28 with Debian's elpa-eglot 1.9, in batch mode: opens FILE (directly in the temporary
;; directory, as virsh writes it), which makes the temporary directory eglot's project, connects
;; eglot to the server bin named by $SERVER, and prints what the client received: REGISTER for
;; every capability the server asks it to register (eglot 1.9 walks the whole project to honour a
;; file watcher), MESSAGE for window/showMessage, PUBLISH for diagnostics, and ELAPSED, the seconds
;; from opening the file to its first diagnostics.
;; Usage: SERVER=/path/to/dist/server.js emacs --batch -q -l tmp-root.el FILE
(require 'eglot)
(setq eglot-sync-connect t)
(add-to-list 'eglot-server-programs `(nxml-mode . ("node" ,(getenv "SERVER") "--stdio")))

(defun tmp-root--out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defvar tmp-root--published nil)
(advice-add 'eglot-register-capability :before
            (lambda (_server method _id &rest _params) (tmp-root--out "REGISTER %s" method)))
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (cond ((eq method 'textDocument/publishDiagnostics)
                     (setq tmp-root--published t)
                     (tmp-root--out "PUBLISH %d" (length (plist-get params :diagnostics))))
                    ((eq method 'window/showMessage)
                     (tmp-root--out "MESSAGE %s" (plist-get params :message))))))

(let ((file (expand-file-name (car command-line-args-left)))
      (started (float-time)))
  (setq command-line-args-left nil)
  (find-file file)
  (let ((contact (eglot--guess-contact)))
    (tmp-root--out "PROJECT %S" (nth 1 contact))
    (apply #'eglot contact))
  (let ((deadline (+ (float-time) 60)))
    (while (and (not tmp-root--published) (< (float-time) deadline))
      (accept-process-output nil 0.05)))
  (tmp-root--out "ELAPSED %.3f" (- (float-time) started))
  ;; A little longer, for registrations and messages that follow the first diagnostics.
  (let ((until (+ (float-time) 1.5)))
    (while (< (float-time) until) (accept-process-output nil 0.05)))
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs 0))
