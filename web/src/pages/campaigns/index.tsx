import { useRoute } from "preact-iso";
import { adminOnly } from "../../components/role-gate";
import { CampaignList } from "./list";
import { NewCampaign } from "./new";
import { ShowCampaign } from "./show";

const NewOnlyForAdmins = adminOnly("New campaign", NewCampaign);

export function Campaigns() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <CampaignList />;
  if (rest === "new") return <NewOnlyForAdmins />;
  return <ShowCampaign id={rest} />;
}
