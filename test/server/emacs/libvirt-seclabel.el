;; libvirt domain XML gets a mode of its own, derived from nxml-mode, so that eglot starts this
;; server for domains only and every other XML file keeps nxml-mode and its own server.
(define-derived-mode libvirt-xml-mode nxml-mode "libvirt-XML"
  "nxml-mode for libvirt domain XML, checked by libvirt-seclabel-language-server.")
;; A file whose root is <domain> or <domstatus>, after an optional XML declaration and comments
;; (the files in /etc/libvirt/qemu start with libvirt's warning comment).
(add-to-list 'magic-mode-alist
             '("\\(?:<\\?xml[^>]*>[ \t\r\n]*\\)?\\(?:<!--\\(?:[^-]\\|-[^-]\\)*-->[ \t\r\n]*\\)*<\\(?:domain\\|domstatus\\)[ \t\r\n/>]"
               . libvirt-xml-mode))
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((libvirt-xml-mode :language-id "xml") . ("libvirt-seclabel-language-server" "--stdio"))))
(add-hook 'libvirt-xml-mode-hook #'eglot-ensure)
