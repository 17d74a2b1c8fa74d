import { describe, expect, it } from 'vitest';
import { parseSaleReference, tedMatches } from './sale-reference.ts';

/** A flat TED as the PDF417 of a boleta carries it; the CAF inside repeats RE and TD of its own. */
const TED =
  '<TED version="1.0"><DD><RE>76192083-9</RE><TD>39</TD><F>1234</F><FE>2026-11-24</FE>' +
  '<RR>66666666-6</RR><RSR>Consumidor final</RSR><MNT>5048</MNT><IT1>Leche entera 1 L Colún</IT1>' +
  '<CAF version="1.0"><DA><RE>76192083-9</RE><RS>MINIMARKET DEMO</RS><TD>33</TD><RNG><D>1</D><H>50</H></RNG>' +
  '<FA>2026-11-01</FA><RSAPK><M>0a1b</M><E>Aw==</E></RSAPK><IDK>100</IDK></DA>' +
  '<FRMA algoritmo="SHA1withRSA">c2ln</FRMA></CAF><TSTED>2026-11-24T10:15:00</TSTED></DD>' +
  '<FRMT algoritmo="SHA1withRSA">ZnJtdA==</FRMT></TED>';

describe('parseSaleReference', () => {
  it('reads type and folio from the scanned timbre, not from the CAF inside it', () => {
    expect(parseSaleReference(TED, 39)).toEqual({
      docType: 39,
      folio: 1234,
      ted: { issueDate: '2026-11-24', total: 5048 },
    });
    // The chosen type does not matter: the timbre says which document it is.
    expect(parseSaleReference(`  ${TED.replace('<TD>39</TD>', '<TD>33</TD>')}\r\n`, 39)?.docType).toBe(33);
  });

  it('refuses a timbre without folio, of a nota de crédito, or cut short', () => {
    expect(parseSaleReference(TED.replace('<F>1234</F>', ''), 39)).toBeNull();
    expect(parseSaleReference(TED.replace('<TD>39</TD>', '<TD>61</TD>'), 39)).toBeNull();
    expect(parseSaleReference(TED.slice(0, 60), 39)).toBeNull();
    expect(parseSaleReference(TED.replace('<F>1234</F>', '<F>0</F>'), 39)).toBeNull();
  });

  it('takes a typed type and folio, or a folio of the chosen type', () => {
    expect(parseSaleReference('33-87', 39)).toEqual({ docType: 33, folio: 87 });
    expect(parseSaleReference(' 41 / 9 ', 39)).toEqual({ docType: 41, folio: 9 });
    expect(parseSaleReference('87', 39)).toEqual({ docType: 39, folio: 87 });
    expect(parseSaleReference('87', 34)).toEqual({ docType: 34, folio: 87 });
  });

  it('names no sale for product codes, words, zero or unknown types', () => {
    for (const text of ['', 'leche', '7802900001018x', '0', '61-5', '52-3', '39-0']) {
      expect(parseSaleReference(text, 39), text).toBeNull();
    }
  });
});

describe('tedMatches', () => {
  const sale = { issueDate: '2026-11-24', total: 5048 };
  it('holds when the timbre states the sale date and total, or when there was no timbre', () => {
    expect(tedMatches(parseSaleReference(TED, 39)!, sale)).toBe(true);
    expect(tedMatches({ docType: 39, folio: 1234 }, sale)).toBe(true);
  });
  it('fails for a receipt of another company with the same type and folio', () => {
    expect(tedMatches(parseSaleReference(TED.replace('<MNT>5048</MNT>', '<MNT>990</MNT>'), 39)!, sale)).toBe(
      false,
    );
    expect(tedMatches(parseSaleReference(TED.replace('2026-11-24</FE>', '2026-10-02</FE>'), 39)!, sale)).toBe(
      false,
    );
  });
});
