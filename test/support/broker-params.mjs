// The AuthParams the broker driver scripts (broker-memcheck.mjs, broker-teardown.mjs)
// send: a public client against the common authority, as the fake broker expects.
export const BROKER_TEST_PARAMS = {
  clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  authority: 'https://login.microsoftonline.com/common',
  scopes: ['User.Read'],
  redirectUri: 'https://login.microsoftonline.com/common/oauth2/nativeclient',
};
