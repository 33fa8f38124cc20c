// The real ForgeConnector: one adapter per forge kind.
import type { ForgeConnector } from '../../contracts/ports.js';
import { connectGitea } from './gitea.js';
import { connectGitHub } from './github.js';
import { connectGitLab } from './gitlab.js';

export const connectForge: ForgeConnector = (target, credentials) => {
  switch (target.kind) {
    case 'github':
      return connectGitHub(target, credentials);
    case 'gitlab':
      return connectGitLab(target, credentials);
    case 'gitea':
      return connectGitea(target, credentials);
  }
};
