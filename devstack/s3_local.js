// Amazon S3's API on 127.0.0.1 for the local stack: devstack/s3_local.py starts this with
//   node devstack/s3_local.js <data directory> <port> <bucket>
// and the credentials the API's workers sign with in S3_LOCAL_ACCESS_KEY_ID / _SECRET_ACCESS_KEY.
// The npm package @20minutes/s3rver keeps every object as files under the data directory, so a
// restart keeps them (README, "Evidence files": Local S3). Signatures are checked, as S3 checks them.
'use strict';

const path = require('path');

const root = path.resolve(__dirname, '..');
const main = require.resolve('@20minutes/s3rver', { paths: [root] });
const S3rver = require(main);
// The package has one built-in key pair (S3RVER/S3RVER); the stack's own replaces it.
const { DUMMY_ACCOUNT } = require(path.join(path.dirname(main), 'models', 'account.js'));

const [directory, port, bucket] = process.argv.slice(2);
const accessKeyId = process.env.S3_LOCAL_ACCESS_KEY_ID;
const secretAccessKey = process.env.S3_LOCAL_SECRET_ACCESS_KEY;
if (!directory || !port || !bucket || !accessKeyId || !secretAccessKey) {
  console.error('usage: S3_LOCAL_ACCESS_KEY_ID=.. S3_LOCAL_SECRET_ACCESS_KEY=.. node s3_local.js <dir> <port> <bucket>');
  process.exit(2);
}
DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

const server = new S3rver({
  address: '127.0.0.1', // loopback only, whatever HOST the portal listens on
  port: Number(port),
  directory,
  silent: true, // no line per request: object keys stay out of the logs
  vhostBuckets: false, // path-style, as boto3 addresses an endpoint given by IP
  configureBuckets: [{ name: bucket, configs: [] }], // created once, kept afterwards
});

server.run().then(
  (address) => console.log(`S3 API listening on ${address.address}:${address.port}, data in ${directory}`),
  (error) => {
    console.error(`S3 API could not start: ${error.message}`);
    process.exit(1);
  },
);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close().finally(() => process.exit(0));
  });
}
