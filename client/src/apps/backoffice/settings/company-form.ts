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
  /** The UF in pesos as typed (`39.727,96`) and its date; both empty: not set. */
  ufValue: string;
  ufDate: string;
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
    ufValue: settings.uf ? formatUf(settings.uf.centavos) : '',
    ufDate: settings.uf?.date ?? '',
    discountLimitPercent: Object.fromEntries(
      ROLES.map((role) => [role, String(settings.discountLimitPercent[role])]),
    ) as Record<Role, string>,
  };
}

/** `3972796` centavos → `39.727,96`, as es-CL writes the UF. */
export function formatUf(centavos: number): string {
  return `${Math.floor(centavos / 100).toLocaleString('es-CL')},${String(centavos % 100).padStart(2, '0')}`;
}

/**
 * Centavos from a UF as typed: `39.727,96`, `39727,96` or `39727.96` (two decimals at most). With
 * a comma, dots group thousands (es-CL); without one, a dot before one or two final digits is
 * the decimal point. Null for anything else.
 */
export function parseUfCentavos(text: string): number | null {
  const cleaned = text.replace(/[$\s]/g, '');
  const match = cleaned.includes(',')
    ? /^(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})$/.exec(cleaned)
    : /^(\d{1,3}(?:\.\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const centavos = Number(match[1]!.replace(/\./g, '')) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return centavos >= 1 && centavos <= 100_000_000 ? centavos : null;
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
  // The UF is optional (a conservative default applies), but a value needs its date and back.
  const ufCentavos = form.ufValue.trim() ? parseUfCentavos(form.ufValue) : null;
  if (form.ufValue.trim() && ufCentavos === null) problems.ufValue = fieldProblems.uf;
  if (form.ufValue.trim() && !form.ufDate) problems.ufDate = fieldProblems.required;
  if (!form.ufValue.trim() && form.ufDate) problems.ufValue = fieldProblems.required;
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
        uf: ufCentavos === null ? null : { centavos: ufCentavos, date: form.ufDate },
        discountLimitPercent: discounts,
      },
    },
  };
}
