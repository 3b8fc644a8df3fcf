// Sign-in with the Firebase JS SDK: email and password only. No popup or redirect flow, so the SDK
// never loads Google's iframes or scripts, and the page's Content-Security-Policy stays strict.

import { initializeApp } from 'firebase/app';
import {
  browserLocalPersistence, connectAuthEmulator, indexedDBLocalPersistence, initializeAuth, onIdTokenChanged,
  signInWithEmailAndPassword, signOut,
} from 'firebase/auth';

/**
 * config is /config.json: {apiKey, authDomain, projectId, authEmulatorUrl}. authEmulatorUrl is
 * only set in development; then every sign-in goes to the local Auth Emulator.
 */
export function startAuth(config) {
  const app = initializeApp({ apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId });
  const auth = initializeAuth(app, { persistence: [indexedDBLocalPersistence, browserLocalPersistence] });
  if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl);
  return {
    signIn: (email, password) => signInWithEmailAndPassword(auth, email, password),
    signOut: () => signOut(auth),
    /** The ID token, refreshed by the SDK when it is about to expire (or now, when force is true). */
    token: async (force = false) => (auth.currentUser ? auth.currentUser.getIdToken(force) : null),
    /** Called on sign-in, sign-out and every token refresh, with the user or null. */
    onChange: (callback) => onIdTokenChanged(auth, callback),
  };
}
