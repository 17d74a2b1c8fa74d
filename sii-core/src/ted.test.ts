import { describe, expect, it } from 'vitest';
import { parseCaf } from './caf.ts';
import { buildDd, stampTed, verifyTed } from './ted.ts';

// SII "Manual de certificación" §5.2 golden vector [docs/sii-rules.md#ted-and-printed-timbre].
const GOLDEN_CAF =
  '<CAF version="1.0"><DA><RE>97975000-5</RE><RS>RUT DE PRUEBA</RS><TD>33</TD><RNG><D>1</D><H>200</H></RNG><FA>2003-09-04</FA><RSAPK><M>0a4O6Kbx8Qj3K4iWSP4w7KneZYeJ+g/prihYtIEolKt3cykSxl1zO8vSXu397QhTmsX7SBEudTUx++2zDXBhZw==</M><E>Aw==</E></RSAPK><IDK>100</IDK></DA><FRMA algoritmo="SHA1withRSA">g1AQX0sy8NJugX52k2hTJEZAE9Cuul6pqYBdFxj1N17umW7zG/hAavCALKByHzdYAfZ3LhGTXCai5zNxOo4lDQ==</FRMA></CAF>';
const GOLDEN_DD = `<DD><RE>97975000-5</RE><TD>33</TD><F>27</F><FE>2003-09-08</FE><RR>8414240-9</RR><RSR>JORGE GONZALEZ LTDA</RSR><MNT>502946</MNT><IT1>Cajon AFECTO</IT1>${GOLDEN_CAF}<TSTED>2003-09-08T12:28:31</TSTED></DD>`;
const GOLDEN_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIIBOwIBAAJBANGuDuim8fEI9yuIlkj+MOyp3mWHifoP6a4oWLSBKJSrd3MpEsZd
czvL0l7t/e0IU5rF+0gRLnU1Mfvtsw1wYWcCAQMCQQCLyV9FxKFLW09yWw7bVCCd
xpRDr7FRX/EexZB4VhsNxm/vtJfDZyYle0Lfy42LlcsXxPm1w6Q6NnjuW+AeBy67
AiEA7iMi5q5xjswqq+49RP55o//jqdZL/pC9rdnUKxsNRMMCIQDhaHdIctErN2hC
IP9knS3+9zra4R+5jSXOvI+3xVhWjQIhAJ7CF0R0S7SIHHKe04NUURf/7RvkMqm1
08k74sdnXi3XAiEAlkWk2vc2HM+a1sCqQxNz/098ketqe7NuidMKeoOQObMCIQCk
FAMS9IcPcMjk7zI2r/4EEW63PSXyN7MFAX7TYe25mw==
-----END RSA PRIVATE KEY-----`;
const GOLDEN_FRMT =
  'pqjXHHQLJmyFPMRvxScN7tYHvIsty0pqL2LLYaG43jMmnfiZfllLA0wb32lP+HBJ/tf8nziSeorvjlx410ZImw==';

const goldenData = {
  issuerRut: '97975000-5',
  type: 33,
  folio: 27,
  issueDate: '2003-09-08',
  receiverRut: '8414240-9',
  receiverName: 'JORGE GONZALEZ LTDA',
  total: 502946,
  firstItemName: 'Cajon AFECTO',
};

describe('TED', () => {
  // The manual's CAF, laid out on several lines as CAF files are, with its key as RSASK.
  const caf = parseCaf(
    `<?xml version="1.0"?>\n<AUTORIZACION>\n${GOLDEN_CAF.replace(/></g, '>\n<')}\n<RSASK>${GOLDEN_KEY}</RSASK>\n</AUTORIZACION>`,
  );

  it('builds the DD of the SII manual byte for byte', () => {
    expect(buildDd(goldenData, caf.cafXml, '2003-09-08T12:28:31')).toBe(GOLDEN_DD);
  });

  it('reproduces the FRMT of the SII manual (golden vector)', () => {
    const ted = stampTed(goldenData, caf, '2003-09-08T12:28:31');
    expect(ted).toBe(
      `<TED version="1.0">${GOLDEN_DD}<FRMT algoritmo="SHA1withRSA">${GOLDEN_FRMT}</FRMT></TED>`,
    );
  });

  it('verifies an indented TED and rejects a changed amount', () => {
    const indented = `<TED version="1.0">\n  ${GOLDEN_DD.replace(/></g, '>\n    <')}\n  <FRMT algoritmo="SHA1withRSA">${GOLDEN_FRMT}</FRMT>\n</TED>`;
    expect(verifyTed(indented)).toEqual({ ok: true });
    expect(verifyTed(indented.replace('502946', '502947'))).toEqual({
      ok: false,
      reason: 'la firma del timbre (FRMT) no corresponde a la llave del CAF',
    });
  });
});
