/**
 * The `<!-- libvirt-seclabel: … -->` comments before a document's root: what the XML itself cannot
 * say about how libvirt will read it. Only the words are read here; what they mean is up to the
 * model (`live`) and the features (`attach-to NAME`, features/attachTarget.ts).
 */

/** The words of every `libvirt-seclabel:` comment in `text` before `rootStart`, in order. */
export function directiveWords(text: string, rootStart: number): string[] {
	const words: string[] = [];
	const prolog = text.slice(0, rootStart);
	for (const match of prolog.matchAll(/<!--\s*libvirt-seclabel:([\s\S]*?)-->/g)) {
		words.push(...match[1].split(/\s+/).filter((word) => word !== ''));
	}
	return words;
}

/**
 * True when a comment says the document is live XML, as libvirt reads a status file or the device
 * of `virsh update-device --live`: the word `live`. (Not `--live`: libxml2 refuses `--` inside a
 * comment, "Double hyphen within comment", so such a document is not XML to libvirt at all.) The
 * word after `attach-to` is a guest name, never a directive (a guest may be called `live`).
 */
export function hasLiveDirective(text: string, rootStart: number): boolean {
	const words = directiveWords(text, rootStart);
	for (let i = 0; i < words.length; i++) {
		if (words[i] === 'attach-to') {
			i++;
		} else if (words[i] === 'live') {
			return true;
		}
	}
	return false;
}
