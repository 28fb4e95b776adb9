import re,sys
blocks=[];cur=None
for line in open(sys.argv[1]):
    if not line.startswith(' '):
        m=re.match(r'(\w+) (\S+) rev=(\d+) fam=(\d+) lib=(\S+) x6=(\d) fcheck=(\d) final=(\d)',line)
        cur=dict(kind=m[1],name=m[2],rev=int(m[3]),fam=int(m[4]),x6=m[6]=='1',opts=[]);blocks.append(cur)
    else:
        m=re.match(r'\s+--(\S+) type=(\S+) id=\d+ flags=(\S*) min=(\d+) max=(\d+) excl=(\S+) also=(\S+)',line)
        if m: cur['opts'].append(':'.join([m[1],m[2],m[3] or '-',m[4],m[5],m[6].replace(',','+'),m[7].replace(',','+')]))
        else: cur['opts'].append(None)
want=set(sys.argv[2].split(',')) if len(sys.argv)>2 else None
rows={}
for fam,label in ((2,'4'),(10,'6')):
    cands={}
    for b in blocks:
        if b['fam'] not in (fam,0): continue
        k=(b['kind'],b['name'])
        if k not in cands or b['rev']>cands[k]['rev']: cands[k]=b
    for k,b in cands.items():
        if not b['x6'] or (want and b['name'] not in want): continue
        rows.setdefault(k,{})[label]=' '.join(b['opts'])
for (kind,name),fams in sorted(rows.items()):
    if fams.get('4')==fams.get('6'): print(f"{kind} {name} 46 {fams['4']}".rstrip())
    else:
        for l,o in sorted(fams.items()): print(f"{kind} {name} {l} {o}".rstrip())
