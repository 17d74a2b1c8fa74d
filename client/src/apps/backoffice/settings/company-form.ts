import type { TenantProfile, TenantProfileInput } from '@erp/shared/events/index';
import { ROLES, type Role } from '@erp/shared/roles';
import type { z } from 'zod';
import { parsePesos } from '../../../ui/pesos-input.ts';
import { tx } from './texts.ts';

/**
 * The company form as typed (numbers as text) and its conversion to `tenant:save`, with a
 * Spanish problem per field so each shows under its input.
 */
type Profile = z.output<typeof TenantProfile>;
type Input = z.input<typeof TenantProfileInput>;

export interface CompanyForm {
  /** Canonical RUT, or null while the typed one is not valid (see RutInput). */
  rut: string | null;
  razonSocial: string;
  giro: string;
  address: string;
  comuna: string;
  acteco: string;
  siiResolutionNumber: string;
  siiResolutionDate: string;
  siiEnvironment: Profile['siiEnvironment'];
  cashCloseTolerance: string;
  cashDropThreshold: string;
  lowFolioThreshold: string;
  discountLimitPercent: Record<Role, string>;
}

export type CompanyField = Exclude<keyof CompanyForm, 'discountLimitPercent'> | `discount.${Role}`;

export function companyFormOf(profile: Profile): CompanyForm {
  const { settings } = profile;
  return {
    rut: profile.rut,
    razonSocial: profile.razonSocial,
    giro: profile.giro,
    address: profile.address,
    comuna: profile.comuna,
    acteco: String(profile.acteco),
    siiResolutionNumber: String(profile.siiResolutionNumber),
    siiResolutionDate: profile.siiResolutionDate,
    siiEnvironment: profile.siiEnvironment,
    cashCloseTolerance: settings.cashCloseTolerance.toLocaleString('es-CL'),
    cashDropThreshold: settings.cashDropThreshold.toLocaleString('es-CL'),
    lowFolioThreshold: String(settings.lowFolioThreshold),
    discountLimitPercent: Object.fromEntries(
      ROLES.map((role) => [role, String(settings.discountLimitPercent[role])]),
    ) as Record<Role, string>,
  };
}

const wholeNumber = (text: string): number | null =>
  /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null;

export type CompanyResult =
  | { ok: true; input: Input }
  | { ok: false; problems: Partial<Record<CompanyField, string>> };

export function companyInputOf(form: CompanyForm): CompanyResult {
  const problems: Partial<Record<CompanyField, string>> = {};
  const { fieldProblems } = tx.company;
  if (!form.rut) problems.rut = fieldProblems.rut;
  for (const field of ['razonSocial', 'giro', 'address', 'comuna', 'siiResolutionDate'] as const) {
    if (!form[field].trim()) problems[field] = fieldProblems.required;
  }
  const acteco = wholeNumber(form.acteco);
  if (acteco === null || acteco < 10_000 || acteco > 999_999) problems.acteco = fieldProblems.acteco;
  const numbers = {
    siiResolutionNumber: wholeNumber(form.siiResolutionNumber),
    cashCloseTolerance: parsePesos(form.cashCloseTolerance),
    cashDropThreshold: parsePesos(form.cashDropThreshold),
    lowFolioThreshold: wholeNumber(form.lowFolioThreshold),
  };
  for (const [field, value] of Object.entries(numbers)) {
    if (value === null) problems[field as CompanyField] = fieldProblems.number;
  }
  const discounts = {} as Record<Role, number>;
  for (const role of ROLES) {
    const text = form.discountLimitPercent[role].trim().replace(',', '.');
    const value = /^\d{1,3}(\.\d{1,2})?$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 0 && value <= 100)) problems[`discount.${role}`] = fieldProblems.percent;
    discounts[role] = value;
  }
  if (Object.keys(problems).length) return { ok: false, problems };
  return {
    ok: true,
    input: {
      rut: form.rut!,
      razonSocial: form.razonSocial.trim(),
      giro: form.giro.trim(),
      address: form.address.trim(),
      comuna: form.comuna.trim(),
      acteco: acteco!,
      siiResolutionNumber: numbers.siiResolutionNumber!,
      siiResolutionDate: form.siiResolutionDate,
      siiEnvironment: form.siiEnvironment,
      settings: {
        cashCloseTolerance: numbers.cashCloseTolerance!,
        cashDropThreshold: numbers.cashDropThreshold!,
        lowFolioThreshold: numbers.lowFolioThreshold!,
        discountLimitPercent: discounts,
      },
    },
  };
}
