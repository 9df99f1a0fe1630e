import * as bb from 'brokerbridge';
import smoke from './smoke.cjs';

console.log(JSON.stringify(await smoke(bb, JSON.parse(process.env.SMOKE_CONFIG))));
