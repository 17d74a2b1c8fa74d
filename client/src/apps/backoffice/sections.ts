import { type Component, defineAsyncComponent } from 'vue';
import { tx as accountTexts } from './accounts/texts.ts';
import { tx as businessTexts } from './business/texts.ts';
import { tx as catalogTexts } from './catalog/texts.ts';
import { tx as promotionTexts } from './promotions/texts.ts';
import { tx as settingsTexts } from './settings/texts.ts';
import { tx as siiTexts } from './sii/texts.ts';

/**
 * The back office's sections, in menu order. Each lives in its own folder and is loaded when
 * first opened; the address keeps the open section (`#catalogo`), so a reload or a shared link
 * opens the same one.
 */
export interface BackofficeSection {
  /** The address fragment, Spanish like everything the user sees. */
  id: string;
  label: string;
  component: Component;
}

export const SECTIONS: BackofficeSection[] = [
  {
    id: 'catalogo',
    label: catalogTexts.sections.catalog,
    component: defineAsyncComponent(() => import('./catalog/CatalogSection.vue')),
  },
  {
    id: 'importar-catalogo',
    label: catalogTexts.sections.import,
    component: defineAsyncComponent(() => import('./catalog/ImportSection.vue')),
  },
  {
    id: 'etiquetas-balanza',
    label: catalogTexts.sections.labels,
    component: defineAsyncComponent(() => import('./catalog/LabelsSection.vue')),
  },
  {
    id: 'promociones',
    label: promotionTexts.section,
    component: defineAsyncComponent(() => import('./promotions/PromotionsSection.vue')),
  },
  {
    id: 'documentos-sii',
    label: siiTexts.sections.documents,
    component: defineAsyncComponent(() => import('./sii/DocumentsSection.vue')),
  },
  {
    id: 'caf',
    label: siiTexts.sections.caf,
    component: defineAsyncComponent(() => import('./sii/CafSection.vue')),
  },
  {
    id: 'folios-tiendas',
    label: siiTexts.sections.leases,
    component: defineAsyncComponent(() => import('./sii/LeasesSection.vue')),
  },
  {
    id: 'certificado',
    label: siiTexts.sections.certificate,
    component: defineAsyncComponent(() => import('./sii/CertificateSection.vue')),
  },
  {
    id: 'empresa',
    label: settingsTexts.sections.company,
    component: defineAsyncComponent(() => import('./settings/CompanySection.vue')),
  },
  {
    id: 'correo',
    label: settingsTexts.sections.mail,
    component: defineAsyncComponent(() => import('./settings/MailSection.vue')),
  },
  {
    id: 'usuarios',
    label: settingsTexts.sections.users,
    component: defineAsyncComponent(() => import('./settings/UsersSection.vue')),
  },
  {
    id: 'cajas-y-hubs',
    label: settingsTexts.sections.devices,
    component: defineAsyncComponent(() => import('./settings/DevicesSection.vue')),
  },
  {
    id: 'reportes',
    label: businessTexts.sections.reports,
    component: defineAsyncComponent(() => import('./reports/ReportsSection.vue')),
  },
  {
    id: 'ventas',
    label: businessTexts.sections.sales,
    component: defineAsyncComponent(() => import('./sales/SalesSection.vue')),
  },
  {
    id: 'cajas',
    label: businessTexts.sections.cash,
    component: defineAsyncComponent(() => import('./cash/CashSection.vue')),
  },
  {
    id: 'inventario',
    label: businessTexts.sections.inventory,
    component: defineAsyncComponent(() => import('./inventory/InventorySection.vue')),
  },
  {
    id: 'mermas',
    label: businessTexts.sections.writeOffs,
    component: defineAsyncComponent(() => import('./inventory/WriteOffsSection.vue')),
  },
  {
    id: 'compras',
    label: businessTexts.sections.purchases,
    component: defineAsyncComponent(() => import('./purchases/ReceiptsSection.vue')),
  },
  {
    id: 'proveedores',
    label: businessTexts.sections.suppliers,
    component: defineAsyncComponent(() => import('./purchases/SuppliersSection.vue')),
  },
  {
    id: 'clientes',
    label: accountTexts.section,
    component: defineAsyncComponent(() => import('./accounts/AccountsSection.vue')),
  },
  {
    id: 'auditoria',
    label: businessTexts.sections.audit,
    component: defineAsyncComponent(() => import('./audit/AuditSection.vue')),
  },
];
