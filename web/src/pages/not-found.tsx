export function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page here. <a href="/instances">Go to instances</a>.
      </p>
    </section>
  );
}
