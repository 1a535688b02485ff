import Search from './search.js';

export default function Page() {
  return <Search />;
}
