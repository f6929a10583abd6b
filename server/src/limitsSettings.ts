/**
 * `libvirtSeclabel.limits.*`: the bounds on one parse (see ParseLimits). Read apart from the other
 * settings because they apply to the parse, which runs before any per-document setting is known.
 * A missing, non-numeric or non-positive value keeps its default.
 */
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './service/parser/xmlParser';

function positive(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

export function readParseLimits(client: unknown): ParseLimits {
	const limits = client && typeof client === 'object' ? (client as { limits?: unknown }).limits : undefined;
	if (!limits || typeof limits !== 'object') {
		return DEFAULT_PARSE_LIMITS;
	}
	const given = limits as Record<string, unknown>;
	return {
		maxBytes: positive(given.maxBytes, DEFAULT_PARSE_LIMITS.maxBytes),
		maxElements: positive(given.maxElements, DEFAULT_PARSE_LIMITS.maxElements),
		maxDepth: positive(given.maxDepth, DEFAULT_PARSE_LIMITS.maxDepth),
	};
}

export function sameLimits(a: ParseLimits, b: ParseLimits): boolean {
	return a.maxBytes === b.maxBytes && a.maxElements === b.maxElements && a.maxDepth === b.maxDepth;
}
