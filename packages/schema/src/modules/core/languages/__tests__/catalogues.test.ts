// The message catalogues: every error code of every module has a text in zh-Hans and in en (typecheck
// enforces it through domainError; this checks the texts are there and not empty), every template takes
// the same parameters in both languages, and Accept-Language is negotiated as the README says.
import { describe, expect, it } from 'vitest';
import {
  COMMON_ERROR_MESSAGES,
  errorText,
  FIELD_ISSUE_MESSAGES,
  LANGUAGES,
  negotiateLanguage,
  placeholders,
  SHARED_ERROR_MESSAGES,
  chooseLanguage,
} from '../../../../shared/i18n.ts';
import type { DomainErrorType } from '../../../../shared/errors.ts';
import { IdempotencyError } from '../../../../shared/idempotency.ts';
import { AccountError, IdentityError, SignInError } from '../../identity/identity.errors.ts';
import { TenancyError } from '../../tenancy/tenancy.errors.ts';
import { TaskError } from '../../../shared/tasks/task.errors.ts';
import { FeedbackError } from '../../../shared/feedback/feedback.errors.ts';
import { AssessmentError } from '../../../shared/assessments/assessment.errors.ts';
import { VisitError } from '../../../shared/visits/visit.errors.ts';
import { HospitalError } from '../../../hospital/hospital.errors.ts';
import { GreenChannelError } from '../../../hospital/green-channel.errors.ts';
import { ComplaintError } from '../../../hospital/complaint.errors.ts';
import { HospitalRoutineError } from '../../../hospital/service-point-round.errors.ts';
import { HotelError } from '../../../hotel/hotel.errors.ts';
import { HotelEventError } from '../../../hotel/hotel-event.errors.ts';
import { GovernmentError, ProtocolError } from '../../../government/government.errors.ts';
// Every module and kind loaded: their visit hooks register the plan-issue codes they add, with their texts.
import '../../../index.ts';
import { PLAN_ISSUE_CODES } from '../../../shared/visits/visit.checks.ts';
import { modulePlanIssueCodes, modulePlanIssueText } from '../../../shared/visits/visit.hooks.ts';
import { PLAN_ISSUE_TEXTS } from '../../../shared/visits/visit.messages.ts';

const ERROR_CLASSES: DomainErrorType[] = [
  IdempotencyError,
  AccountError,
  IdentityError,
  SignInError,
  TenancyError,
  TaskError,
  FeedbackError,
  AssessmentError,
  VisitError,
  HospitalError,
  GreenChannelError,
  ComplaintError,
  HospitalRoutineError,
  HotelError,
  HotelEventError,
  GovernmentError,
  ProtocolError,
] as DomainErrorType[];

describe('message catalogues', () => {
  it.each(ERROR_CLASSES.map((c) => [c.typeName, c] as const))('%s: every code has a text in both languages', (_name, errorClass) => {
    for (const language of LANGUAGES) {
      for (const code of errorClass.codes) {
        const text = errorText(errorClass.messages, language, code);
        expect(text, `${errorClass.typeName}.${code} in ${language}`).toBeTruthy();
        if (language === 'zh-Hans') expect(text).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    // A thrown error without a message gets the English text of its code.
    const bare = new errorClass(errorClass.codes[0]!);
    expect(bare.message).toBe(errorText(errorClass.messages, 'en', errorClass.codes[0]!));
  });

  it('the shared catalogues have the same keys and the same parameters in both languages, and use every parameter', () => {
    for (const catalogue of [COMMON_ERROR_MESSAGES, SHARED_ERROR_MESSAGES, FIELD_ISSUE_MESSAGES] as Record<string, Record<string, string>>[]) {
      const keys = Object.keys(catalogue.en!).sort();
      expect(Object.keys(catalogue['zh-Hans']!).sort()).toEqual(keys);
      for (const key of keys) expect(placeholders(catalogue['zh-Hans']![key]!), key).toEqual(placeholders(catalogue.en![key]!));
    }
    expect(placeholders(SHARED_ERROR_MESSAGES['zh-Hans'].BAD_USER_INPUT)).toEqual(['fields']);
  });

  it('every plan-issue code, the kinds’ too, has a text in both languages with the same parameters', () => {
    const kindCodes = modulePlanIssueCodes();
    // The government office's protocol adds codes (reception standards, seating): they are among them.
    expect(kindCodes).toEqual(expect.arrayContaining(['GREETER_BELOW_STANDARD', 'SEATING_RULE_BROKEN', 'CAR_SEATS_DO_NOT_FIT']));
    const text = (code: string, language: (typeof LANGUAGES)[number]) =>
      (PLAN_ISSUE_TEXTS[language] as Record<string, string>)[code] ?? modulePlanIssueText(code, language);
    for (const code of new Set([...PLAN_ISSUE_CODES, 'IMPORTANT_LEADER_NOT_ESCALATED', ...kindCodes])) {
      const zh = text(code, 'zh-Hans');
      const en = text(code, 'en');
      expect(zh, `${code} in zh-Hans`).toMatch(/[\u4e00-\u9fff]/);
      expect(en, `${code} in en`).toBeTruthy();
      expect(placeholders(zh!), code).toEqual(placeholders(en!));
    }
  });

  it('Accept-Language: q-values, order on ties, zh variants, q=0 refuses, unknown falls through', () => {
    expect(negotiateLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-Hans');
    expect(negotiateLanguage('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(negotiateLanguage('fr, en;q=0.3, zh-Hans;q=0.5')).toBe('zh-Hans');
    expect(negotiateLanguage('zh-SG')).toBe('zh-Hans');
    expect(negotiateLanguage('zh-TW')).toBeNull();
    expect(negotiateLanguage('zh;q=0, en')).toBe('en');
    expect(negotiateLanguage('fr-FR, *')).toBeNull();
    expect(negotiateLanguage('')).toBeNull();
    expect(chooseLanguage({ preferred: 'zh-Hans', acceptLanguage: 'en', tenantDefault: 'en' })).toBe('zh-Hans');
    expect(chooseLanguage({ acceptLanguage: 'de', tenantDefault: 'zh-Hans' })).toBe('zh-Hans');
    expect(chooseLanguage({})).toBe('en');
  });
});
