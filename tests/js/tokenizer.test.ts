/** The text index's analyzer (`tokenize`): case, punctuation, Unicode, identifier splitting, stemming, stop words. */
import { describe, expect, test } from 'vitest';
import { tokenize } from 'minivectordb';

describe('tokenize', () => {
  test('identifiers split at letter/digit changes and joiners, the whole kept too (the issue’s cases)', () => {
    expect(tokenize('img2pdf')).toEqual(['img2pdf', 'img', '2', 'pdf']);
    expect(tokenize('python3-requests')).toEqual(['python3-requests', 'python3', 'python', '3', 'request']);
    expect(tokenize('snake_case_name')).toEqual(['snake_case_name', 'snake', 'case', 'name']);
    expect(tokenize('libc6.1')).toEqual(['libc6.1', 'libc6', 'libc', '6', '1']);
  });

  test('camelCase and acronyms split; case folded', () => {
    expect(tokenize('XMLParser')).toEqual(['xmlparser', 'xml', 'parser']);
    expect(tokenize('getHTTPResponse')).toEqual(['gethttprespons', 'get', 'http', 'respons']);
    // A split word's whole is stemmed as the unsplit spelling is, so all three meet.
    expect(tokenize('NUMPY numpy NumPy')).toEqual(['numpi', 'numpi', 'numpi', 'num', 'py']);
  });

  test('punctuation separates; sentence punctuation and symbols vanish; g++ and c++ survive', () => {
    expect(tokenize('Convert images to PDF, quickly!')).toEqual(['convert', 'imag', 'pdf', 'quickli']);
    expect(tokenize('(hello) [world] {foo}: bar; "baz"')).toEqual(['hello', 'world', 'foo', 'bar', 'baz']);
    expect(tokenize('g++ and c++')).toEqual(['g++', 'g', 'c++', 'c']);
    expect(tokenize('...---...')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  test('Unicode: diacritics folded, compatibility forms normalised, other scripts kept', () => {
    expect(tokenize('Café naïve résumé')).toEqual(tokenize('cafe naive resume'));
    expect(tokenize('ﬁle ｆｕｌｌ')).toEqual(['file', 'full']); // ligature, full-width letters
    expect(tokenize('Привет мир')).toEqual(['привет', 'мир']);
    expect(tokenize('中文 文本')).toEqual(['中文', '文本']);
    expect(tokenize('Ελληνικά')).toEqual(['ελληνικα']);
  });

  test('Porter stemming (the stemmer package) meets inflections; stop words dropped', () => {
    expect(tokenize('images')).toEqual(tokenize('image'));
    expect(tokenize('converting')).toEqual(tokenize('converted'));
    expect(tokenize('the photos of a cat')).toEqual(['photo', 'cat']);
  });
});
