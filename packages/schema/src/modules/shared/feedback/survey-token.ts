// Respondent tokens: `jds_<tenant base64url>_<secret>`, the survey counterpart of API keys
// (api-key.service.ts). The secret has 192 random bits (≥ 128 asked); only the SHA-256 of the whole
// token is stored (a high-entropy secret needs no slow hash), so the database cannot give a link back.
// The tenant part lets the gateway set the operation's tenant before looking the token up *inside*
// that tenant's RLS scope; it is trusted for nothing else: a token whose hash is not found there is
// refused like any other bad token.
import { createHash, randomBytes } from 'node:crypto';

export const SURVEY_TOKEN_PREFIX = 'jds_';
const TOKEN_PATTERN = /^jds_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{32})$/;

/** The root fields a respondent may call with a token, and nothing else in the same operation. */
export const SURVEY_RESPONDENT_FIELDS: readonly string[] = ['surveyInvitation', 'submitSurveyResponse'];

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSurveyToken(tenantId: string): { token: string; tokenHash: string } {
  const tenant = Buffer.from(tenantId.replace(/-/g, ''), 'hex').toString('base64url');
  const token = `${SURVEY_TOKEN_PREFIX}${tenant}_${randomBytes(24).toString('base64url')}`;
  return { token, tokenHash: hashSurveyToken(token) };
}

/** Reads the tenant out of a token's text; null when it is not shaped like a token. */
export function parseSurveyToken(token: unknown): { tenantId: string; tokenHash: string } | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { tenantId, tokenHash: hashSurveyToken(token) };
}
