import { Migration } from '@mikro-orm/migrations';

/**
 * What the SII pipeline must redo when its queues may have lost jobs (Redis restarted without
 * persistence, or was flushed): PostgreSQL holds the truth, Redis only the next step. Called by
 * the worker when it starts and whenever its Redis connection comes back.
 *
 * - Outbox rows already relayed whose sale has no signed document yet (the sign job is gone, or
 *   died after inserting the `stamped` row) become pending again, so the relay re-adds them; a
 *   job that survived keeps its id and the re-add is a no-op.
 * - Every unfinished envelope step, at any age (`sii_unfinished_work`).
 * - Finished envelopes with accepted documents that have no PDF yet.
 *
 * Only the last 7 days are searched: older work was either done or is already visible as failed.
 * The outbox scan has no index of its own on purpose: it runs on recovery, not per sale.
 */
export class Migration20261124091000_sii_lost_work extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function sii_lost_work(p_tenants uuid[] default null)
        returns table (tenant_id uuid, what text, ref text)
        language sql volatile security definer set search_path = public as $$
          with unclaimed as (
            update outbox o set processed_at = null
             where o.topic = 'sii.document' and o.processed_at > now() - interval '7 days'
               and (p_tenants is null or o.tenant_id = any(p_tenants))
               and not exists (
                 select 1 from dte_document d
                  where d.tenant_id = o.tenant_id and d.sale_id = (o.payload->>'saleId')::uuid
                    and d.state <> 'stamped')
            returning o.tenant_id
          )
          select u.tenant_id, 'outbox', count(*)::text from unclaimed u group by u.tenant_id
          union all
          select * from sii_unfinished_work(interval '0', p_tenants)
          union all
          select distinct e.tenant_id, 'pdfs', e.id::text
            from dte_envelope e join dte_document d on d.envelope_id = e.id
           where e.state = 'done' and e.finished_at > now() - interval '7 days'
             and d.state in ('accepted', 'objected')
             and not exists (select 1 from dte_pdf p where p.document_id = d.id)
             and (p_tenants is null or e.tenant_id = any(p_tenants))
        $$;
      grant select on dte_pdf to erp_auth;
      alter function sii_lost_work(uuid[]) owner to erp_auth;
      revoke all on function sii_lost_work(uuid[]) from public;
      grant execute on function sii_lost_work(uuid[]) to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function sii_lost_work(uuid[]);
      revoke select on dte_pdf from erp_auth;
    `);
  }
}
