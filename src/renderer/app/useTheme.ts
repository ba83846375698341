// Applies the theme setting to the document: 'system' follows the OS (CSS light-dark()), the others pin it.
import { useEffect } from 'react';
import type { Theme } from '../../shared/types';

export function useTheme(theme: Theme): void {
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
