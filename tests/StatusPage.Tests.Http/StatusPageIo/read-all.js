// Reads a StatusPage server through the npm statuspage.io client and prints what it got as one JSON object.
// Usage: node read-all.js http://127.0.0.1:PORT
'use strict';
const { Statuspage } = require('statuspage.io');

async function main(baseUrl) {
  const client = new Statuspage('statuspage-self-hosted');
  client.setApiUrl(baseUrl);
  const api = client.api;
  const result = {
    summary: await api.getSummary(),
    status: await api.getStatus(),
    components: await api.getComponents(),
    incidents: await api.incidents.getAll(),
    unresolved: await api.incidents.getUnresolved(),
    upcoming: await api.scheduledMaintenances.getUpcoming(),
    active: await api.scheduledMaintenances.getActive(),
    maintenances: await api.scheduledMaintenances.getAll(),
  };
  process.stdout.write(JSON.stringify(result));
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`statuspage.io client failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
