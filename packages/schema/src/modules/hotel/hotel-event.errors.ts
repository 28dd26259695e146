import { domainError } from '../../shared/errors.ts';

export const HOTEL_EVENT_ERROR_CODES = [
  'NOT_FOUND',
  /** expectedVersion is stale: the record changed meanwhile. */
  'CONFLICT',
  /** A visit, member, area or plan of another tenant, or none at all. */
  'INVALID_REFERENCE',
  /** The same item, area, team member or plan exists already. */
  'ALREADY_EXISTS',
  /** Not in this state: e.g. reviewing a drill that has not been run. */
  'ILLEGAL_TRANSITION',
  /** The tenant has no published template for the inspection or drill review. */
  'NO_TEMPLATE',
  /** A room block cannot hold this: more rooms of a type and night than blocked, or a released block. */
  'OVER_BLOCK',
] as const;
export type HotelEventErrorCode = (typeof HOTEL_EVENT_ERROR_CODES)[number];

export class HotelEventError extends domainError(
  'HotelEventError',
  HOTEL_EVENT_ERROR_CODES,
  'A change of a hotel event, its readiness, emergency plans or room blocks was refused; nothing was changed.',
  {
    'zh-Hans': {
      ALREADY_EXISTS: '该记录已存在。',
      NO_TEMPLATE: '本租户没有已发布的检查或演练评估模板。',
      OVER_BLOCK: '超出房间预留：该房型当晚预留的房间不足，或预留已释放。',
    },
    en: {
      ALREADY_EXISTS: 'This exists already.',
      NO_TEMPLATE: 'The tenant has no published template for this inspection or drill review.',
      OVER_BLOCK: 'Over the room block: more rooms of a type and night than blocked, or the block is released.',
    },
  },
) {
  constructor(
    code: HotelEventErrorCode,
    message: string,
    readonly path: string[] = [],
  ) {
    super(code, message);
  }
}
