import fs from 'fs';
const dir='test/fixtures/ctgov/studies/';
const rows=[];
for (const f of fs.readdirSync(dir)) {
  const d = JSON.parse(fs.readFileSync(dir+f,'utf8'));
  const vh=d.derivedSection?.miscInfoModule?.versionHolder;
  for (const m of ['conditionBrowseModule','interventionBrowseModule']) for (const k of ['meshes','ancestors']) for (const x of d.derivedSection?.[m]?.[k]??[]) rows.push([vh,x.id,x.term,f]);
}
const padded = rows.filter(r=>r[1].length===10);
const byEra = (era)=>rows.filter(r=>era(r[0]));
const canon = byEra(v=>v>='2025');
console.log('2025+ 10-char D ids < D000067000:', canon.filter(r=>/^D000(0[0-6])/.test(r[1])).map(r=>r.join(' ')));
console.log('2025+ 10-char ids min D:', canon.filter(r=>/^D\d{9}$/.test(r[1])).map(r=>r[1]).sort()[0]);
console.log('max 7-char D:', rows.filter(r=>/^D\d{6}$/.test(r[1])).map(r=>r[1]).sort().pop());
console.log('C ids:', rows.filter(r=>r[1][0]==='C').map(r=>r[0].slice(0,7)+' '+r[1]+' '+r[2]).sort().join('\n'));
console.log('era of padded:', [...new Set(rows.filter(r=>/^D0000[0-6]/.test(r[1])).map(r=>r[0]))].sort().join(' '));
console.log('era of 7char D:', [...new Set(rows.filter(r=>/^D\d{6}$/.test(r[1])).map(r=>r[0]))].sort().join(' '));
