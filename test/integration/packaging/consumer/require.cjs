'use strict';
const smoke = require('./smoke.cjs');

smoke(require('brokerbridge'), JSON.parse(process.env.SMOKE_CONFIG)).then(
  (report) => console.log(JSON.stringify(report)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
