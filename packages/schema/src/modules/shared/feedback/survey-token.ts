// Respondent tokens: `jds_<tenant base64url>_<secret>`, the survey counterpart of API keys
// (api-key.service.ts). The secret has 192 random bits (≥ 128 asked); only the SHA-256 of the whole
// token is stored (a high-entropy secret needs no slow hash), so the database cannot give a link back.
// The tenant part lets the gateway set the operation's tenant before looking the token up *inside*
// that tenant's RLS scope; it is trusted for nothing else: a token whose hash is not found there is
// refused like any other bad token.
import { hashLinkToken, newLinkToken, parseLinkToken, registerPublicLinkKind } from '../../../shared/public-links.ts';

export const SURVEY_TOKEN_PREFIX = 'jds_';

/** The root fields a respondent may call with a token, and nothing else in the same operation. */
export const SURVEY_RESPONDENT_FIELDS: readonly string[] = ['surveyInvitation', 'submitSurveyResponse'];

export const hashSurveyToken = hashLinkToken;

export const newSurveyToken = (tenantId: string) => newLinkToken(SURVEY_TOKEN_PREFIX, tenantId);

/** Reads the tenant out of a token's text; null when it is not shaped like a token. */
export const parseSurveyToken = (token: unknown) => parseLinkToken(SURVEY_TOKEN_PREFIX, token);

registerPublicLinkKind({ name: 'survey', fields: SURVEY_RESPONDENT_FIELDS, parse: parseSurveyToken });
