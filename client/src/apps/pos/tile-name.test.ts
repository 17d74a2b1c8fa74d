import { describe, expect, it } from 'vitest';
import { tileName } from './tile-name.ts';

describe('tile names', () => {
  it.each([
    ['Aceite Maravilla Chef 1 L', 'Aceite Maravilla Chef', '1 L'],
    ['Aceite Maravilla Chef 5 L', 'Aceite Maravilla Chef', '5 L'],
    [
      'Aceite de Oliva Extra Virgen Miraflores 5 L Pack x2',
      'Aceite de Oliva Extra Virgen Miraflores',
      '5 L Pack x2',
    ],
    ['Bebida cola 1,5 L', 'Bebida cola', '1,5 L'],
    ['Leche entera 1 L Colún', 'Leche entera', '1 L Colún'],
    // The grade is a number too, but not a size.
    ['Arroz grado 1 1 kg', 'Arroz grado 1', '1 kg'],
    ['Cerveza Cristal Pack 6 x 350 ml', 'Cerveza Cristal', 'Pack 6 x 350 ml'],
    ['Cerveza Cristal 350 ml Lata', 'Cerveza Cristal', '350 ml Lata'],
    ['Galletas Tritón Pack 6 x 40 g', 'Galletas Tritón', 'Pack 6 x 40 g'],
    ['Jabón Lux Pack 3', 'Jabón Lux', 'Pack 3'],
    ['Té Supremo 100 bolsitas', 'Té Supremo', '100 bolsitas'],
    ['Huevos blancos 30 unidades', 'Huevos blancos', '30 unidades'],
    ['Yogur natural 900ml', 'Yogur natural', '900ml'],
    ['Jamón Pierna San Jorge Selección 2', 'Jamón Pierna San Jorge', 'Selección 2'],
    ['Spaghetti N°5 Don Vittorio 400 g', 'Spaghetti N°5 Don Vittorio', '400 g'],
  ])('splits %s', (name, head, variant) => {
    expect(tileName(name)).toEqual({ head, variant });
  });

  it.each(['Pan marraqueta', '1 kg', 'Vino 7 Colores', 'Ketchup 3Ls'])('keeps %s whole', (name) => {
    expect(tileName(name)).toEqual({ head: name, variant: '' });
  });
});
