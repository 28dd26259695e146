// The hosted pages for people with no account (or not signed in), each a client of the public API
// (page-client.ts): the survey respondent's /s/<token>, the patient's complaint link /c/<code>, and the
// links mailed to a person: an invitation /i/<token> and a password reset /r/<token>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleInvitationPage, handleResetPage } from './account-pages.ts';
import { handleComplaintPage } from './complaint-page.ts';
import type { PageOptions } from './page-client.ts';
import { handleSurveyPage } from './survey-page.ts';

export const PAGE_PREFIXES = ['/s/', '/c/', '/i/', '/r/'] as const;

export const isPagePath = (url: string | undefined) => PAGE_PREFIXES.some((prefix) => url?.startsWith(prefix));

/** Serves the page the URL names; false when it names none. */
export async function handlePage(req: IncomingMessage, res: ServerResponse, options: PageOptions): Promise<boolean> {
  return (
    (await handleSurveyPage(req, res, options)) ||
    (await handleComplaintPage(req, res, options)) ||
    (await handleInvitationPage(req, res, options)) ||
    (await handleResetPage(req, res, options))
  );
}
